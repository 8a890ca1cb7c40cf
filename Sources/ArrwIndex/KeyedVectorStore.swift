/// Vectors of one dimension stored under distinct `UInt64` keys: one ``VectorSlab`` of dense rows,
/// the key of each row, and the row of each key. The storage of ``BruteForceIndex``,
/// ``KDTreeIndex`` and ``LSHIndex``, and of each inverted list of ``IVFIndex`` (HNSW keeps its
/// own ``HNSWStore``, whose rows carry links).
///
/// Invariants: `keys.count == slab.count` and equals the number of keys in the row map;
/// `row(of: keys[r]) == r` for every row `r`; keys are distinct. Vectors are stored exactly as
/// given (the index brings them to stored form first, e.g. unit length for cosine). Removal moves
/// the last row into the hole (swap-remove), so rows stay dense but are not stable: an index that
/// keeps data per row moves it the same way, as ``Removal`` describes.
///
/// Not thread-safe: the caller serializes mutations; reads may run concurrently with each other.
///
/// - Complexity: `store` and `append` amortized O(d); `remove` O(d); `row(of:)` and `contains`
///   O(1); `vector(for:)` O(d); `reorder` O(n·d).
final class KeyedVectorStore {
    /// The vectors, row `r` stored under `keys[r]`.
    private(set) var slab: VectorSlab
    /// The key of each row.
    private(set) var keys: [UInt64]
    /// The row of each key.
    private var rows: [UInt64: Int]

    /// An empty store for vectors of `dimension` floats. Precondition: `dimension >= 1`.
    init(dimension: Int) {
        self.slab = VectorSlab(dimension: dimension)
        self.keys = []
        self.rows = [:]
    }

    /// What ``remove(key:)`` did: the key's row was `row`, and the row that was last, `movedFrom`,
    /// now lives there (nil when the removed row was the last one, so nothing moved).
    struct Removal {
        let row: Int
        let movedFrom: Int?
    }

    var dimension: Int { slab.dimension }

    /// The number of keys (and rows) stored.
    var count: Int { keys.count }

    /// The slab's buffer, the key array and the dictionary (capacity × (key + row) plus its
    /// one-bit-per-bucket metadata).
    var memoryBytes: Int {
        slab.memoryBytes
            + keys.capacity * MemoryLayout<UInt64>.stride
            + rows.capacity * (MemoryLayout<UInt64>.stride + MemoryLayout<Int>.stride) + rows.capacity / 8
    }

    /// Ensures room for `count` vectors in all, without further growth.
    func reserveCapacity(_ count: Int) {
        slab.reserveCapacity(count)
        keys.reserveCapacity(count)
        rows.reserveCapacity(count)
    }

    /// The row of `key`, or nil when it is not stored.
    func row(of key: UInt64) -> Int? {
        rows[key]
    }

    func contains(key: UInt64) -> Bool {
        rows[key] != nil
    }

    /// A copy of the vector stored under `key`, or nil.
    func vector(for key: UInt64) -> [Float]? {
        guard let row = rows[key] else { return nil }
        return slab.row(row)
    }

    /// Stores `vector` under `key`: overwrites the key's row when it is stored, else appends a row.
    /// Returns the row and whether it is new. Precondition: `vector.count == dimension`.
    @discardableResult
    func store(key: UInt64, vector: [Float]) -> (row: Int, isNew: Bool) {
        vector.withUnsafeBufferPointer { buffer in
            if let row = rows[key] {
                slab.replace(row: row, with: buffer)
                return (row, false)
            }
            return (append(key: key, vector: buffer), true)
        }
    }

    /// Appends `vector` under `key` as a new last row and returns the row. `vector` may point into
    /// this store. Preconditions: `key` is not stored, `vector.count == dimension`.
    @discardableResult
    func append(key: UInt64, vector: UnsafeBufferPointer<Float>) -> Int {
        let row = keys.count
        precondition(rows.updateValue(row, forKey: key) == nil, "KeyedVectorStore.append: key \(key) is already stored")
        slab.append(vector)
        keys.append(key)
        return row
    }

    /// Removes `key` by moving the last row into its place; nil when `key` is not stored.
    func remove(key: UInt64) -> Removal? {
        guard let row = rows.removeValue(forKey: key) else { return nil }
        slab.removeSwappingLast(row: row)
        let movedKey = keys.removeLast()
        guard row < keys.count else { return Removal(row: row, movedFrom: nil) }
        keys[row] = movedKey
        rows[movedKey] = row
        return Removal(row: row, movedFrom: keys.count)
    }

    /// Renumbers the rows: new row `i` is the old row `order[i]` (vectors and keys move together),
    /// in a fresh slab sized for exactly the rows. Precondition: `order` is a permutation of
    /// `0..<count`.
    /// - Complexity: O(n·d).
    func reorder(_ order: [Int]) {
        precondition(order.count == keys.count, "KeyedVectorStore.reorder: \(order.count) rows for \(keys.count)")
        let newSlab = VectorSlab(dimension: dimension, capacity: Swift.max(keys.count, 1))
        var newKeys: [UInt64] = []
        newKeys.reserveCapacity(keys.count)
        for old in order {
            slab.withRow(old) { _ = newSlab.append($0) }
            newKeys.append(keys[old])
        }
        slab = newSlab
        keys = newKeys
        for (row, key) in keys.enumerated() { rows[key] = row }
    }
}

extension KeyedVectorStore {
    /// Writes the rows as every index payload holds them (all little-endian), for n rows of d
    /// floats. The count n is the caller's to write, where its own format puts it.
    ///
    /// | field | width | content |
    /// | --- | --- | --- |
    /// | keys | n × UInt64 | the key of each row, distinct |
    /// | vectors | n × d × Float32 | row after row, finite (unit length for cosine) |
    func write(to writer: inout ByteWriter) {
        writer.write(integers: keys)
        slab.withUnsafeRows { writer.write(floats: $0) }
    }

    /// Reads what ``write(to:)`` wrote for `count` rows. Throws ``IndexFormatError`` (never traps)
    /// when the bytes are short, a key appears twice or a vector is not finite; with
    /// `checkingUnitLength`, also when a cosine vector is not of unit length (squared norm
    /// 1 ± 10⁻³, as every index stores it). ``BruteForceIndex`` payloads were only ever checked
    /// for finiteness and keep loading that way.
    static func read(count: Int, dimension: Int, metric: DistanceMetric, checkingUnitLength: Bool = true,
                     from reader: inout ByteReader) throws -> KeyedVectorStore {
        let keys = try reader.readIntegers(UInt64.self, count: count)
        guard reader.remaining / 4 / dimension >= count else { throw IndexFormatError.truncated }
        let store = KeyedVectorStore(dimension: dimension)
        store.reserveCapacity(count)
        for key in keys {
            let vector = try reader.readFloats(count: dimension)
            guard vector.allSatisfy(\.isFinite) else { throw IndexFormatError.corrupt("a stored vector is not finite") }
            if checkingUnitLength && metric == .cosine {
                let squared = vector.reduce(Float(0)) { $0 + $1 * $1 }
                guard abs(squared - 1) <= 1e-3 else {
                    throw IndexFormatError.corrupt("a stored cosine vector is not unit length")
                }
            }
            guard !store.contains(key: key) else { throw IndexFormatError.corrupt("key \(key) appears twice") }
            vector.withUnsafeBufferPointer { _ = store.append(key: key, vector: $0) }
        }
        return store
    }
}
