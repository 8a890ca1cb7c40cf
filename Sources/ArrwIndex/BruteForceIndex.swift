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

    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?) -> [Neighbor] {
        precondition(k >= 1, "BruteForceIndex.search: k must be at least 1, got \(k)")
        precondition(query.count == dimension, "BruteForceIndex.search: expected \(dimension) floats, got \(query.count)")
        precondition(query.allSatisfy(\.isFinite), "BruteForceIndex.search: query has a non-finite component")
        guard !keys.isEmpty else { return [] }
        var normalized = query
        if metric == .cosine { DistanceKernels.normalize(&normalized) }
        var heap = TopKHeap(k: Swift.min(k, keys.count))
        normalized.withUnsafeBufferPointer { q in
            keys.withUnsafeBufferPointer { keyBuffer in
                slab.withUnsafeRows { vectors in
                    let scan = ExactScan(query: q, vectors: vectors, keys: keyBuffer, dimension: dimension)
                    switch metric {
                    case .cosine, .dot: scan.dot(into: &heap, filter: filter)
                    case .l2: scan.squaredL2(into: &heap, filter: filter)
                    }
                }
            }
        }
        return heap.sortedNearestFirst()
    }
}
