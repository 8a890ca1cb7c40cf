/// The exact index: every search scans all stored vectors with the SIMD kernels.
///
/// Vectors live in one ``VectorSlab`` (dense rows); `keys[row]` is the key of each row and `rows`
/// maps a key back to its row. Invariants: `keys.count == slab.count == rows.count`, and
/// `rows[keys[r]] == r` for every row `r`. Removal moves the last row into the hole (O(d)).
/// For `cosine` vectors are stored unit length, so the score is one dot product.
/// Reads keep no shared scratch state, so concurrent searches are safe (see ``VectorIndex``).
///
/// A filtered search scores every row and consults the filter only for rows that would enter the
/// top k, unless a sample shows that almost no key passes; see `ExactScan` for the measurements.
///
/// - Complexity: `search` O(n·d + n log k) (the log k only for candidates that beat the current
///   k-th best) plus at most n filter calls; `add` amortized O(d); `remove` O(d); `contains` O(1);
///   `vector(for:)` O(d).
public final class BruteForceIndex: VectorIndex {
    public let dimension: Int
    public let metric: DistanceMetric
    /// The vectors, one row per key.
    let slab: VectorSlab
    /// The key of each row of `slab`.
    var keys: [UInt64]
    /// The row of each key.
    var rows: [UInt64: Int]

    /// An empty index. Precondition: `dimension >= 1`.
    public init(dimension: Int, metric: DistanceMetric) {
        precondition(dimension >= 1, "BruteForceIndex: dimension must be at least 1, got \(dimension)")
        self.dimension = dimension
        self.metric = metric
        self.slab = VectorSlab(dimension: dimension)
        self.keys = []
        self.rows = [:]
    }

    public var count: Int { keys.count }

    /// The slab's buffer, the key array and the dictionary (capacity × (key + row) plus its
    /// one-bit-per-bucket metadata).
    public var memoryBytes: Int {
        slab.memoryBytes
            + keys.capacity * MemoryLayout<UInt64>.stride
            + rows.capacity * (MemoryLayout<UInt64>.stride + MemoryLayout<Int>.stride) + rows.capacity / 8
    }

    /// Ensures room for `count` vectors in all, without further growth.
    public func reserveCapacity(_ count: Int) {
        slab.reserveCapacity(count)
        keys.reserveCapacity(count)
        rows.reserveCapacity(count)
    }

    public func add(key: UInt64, vector: [Float]) {
        precondition(vector.count == dimension, "BruteForceIndex.add: expected \(dimension) floats, got \(vector.count)")
        precondition(vector.allSatisfy(\.isFinite), "BruteForceIndex.add: vector has a non-finite component")
        var stored = vector
        if metric == .cosine { DistanceKernels.normalize(&stored) }
        stored.withUnsafeBufferPointer { buffer in
            if let row = rows[key] {
                slab.replace(row: row, with: buffer)
            } else {
                let row = slab.append(buffer)
                keys.append(key)
                rows[key] = row
            }
        }
    }

    @discardableResult
    public func remove(key: UInt64) -> Bool {
        guard let row = rows.removeValue(forKey: key) else { return false }
        slab.removeSwappingLast(row: row)
        let movedKey = keys.removeLast()
        if row < keys.count {
            keys[row] = movedKey
            rows[movedKey] = row
        }
        return true
    }

    public func contains(key: UInt64) -> Bool {
        rows[key] != nil
    }

    public func vector(for key: UInt64) -> [Float]? {
        guard let row = rows[key] else { return nil }
        return slab.row(row)
    }

    /// Exact: `options` do not apply.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        guard !keys.isEmpty else { return [] }
        let normalized = searchableQuery(query, k: k)
        return ExactScan.nearest(to: normalized, k: Swift.min(k, keys.count), metric: metric, keys: keys, slab: slab, filter: filter)
    }
}

extension BruteForceIndex: SerializableIndex {
    public static let typeTag: UInt8 = 1

    /// Rows are always dense, so there is nothing to compact.
    public func optimize() {}

    /// Payload: dimension UInt32, metric UInt8 (0 cosine, 1 l2, 2 dot), count UInt64, the keys
    /// (count × UInt64), then the rows (count × dimension × float32, normalized for cosine).
    public func writePayload(to writer: inout ByteWriter) {
        writer.write(UInt32(dimension))
        writer.write(metric.tag)
        writer.write(UInt64(keys.count))
        writer.write(integers: keys)
        slab.withUnsafeRows { writer.write(floats: $0) }
    }

    public static func readPayload(from reader: inout ByteReader) throws -> BruteForceIndex {
        let dimension = Int(try reader.read(UInt32.self))
        guard dimension >= 1 else { throw IndexFormatError.corrupt("dimension 0") }
        let metric = try DistanceMetric(tag: reader.read(UInt8.self))
        let count = try reader.readCount(limit: reader.remaining / 8)
        let keys = try reader.readIntegers(UInt64.self, count: count)
        guard reader.remaining >= count * dimension * 4 else { throw IndexFormatError.truncated }
        let index = BruteForceIndex(dimension: dimension, metric: metric)
        index.reserveCapacity(count)
        for key in keys {
            let vector = try reader.readFloats(count: dimension)
            guard vector.allSatisfy(\.isFinite) else { throw IndexFormatError.corrupt("a stored vector is not finite") }
            guard !index.contains(key: key) else { throw IndexFormatError.corrupt("key \(key) appears twice") }
            vector.withUnsafeBufferPointer { buffer in
                let row = index.slab.append(buffer)
                index.keys.append(key)
                index.rows[key] = row
            }
        }
        return index
    }
}
