/// The exact index: every search scans all stored vectors with the SIMD kernels.
///
/// Vectors live in one ``KeyedVectorStore`` (dense rows, swap-remove in O(d)).
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
    let store: KeyedVectorStore
    /// The rows as int8 codes with error bounds, row for row, for ``ScreenedScan``.
    let quantized: QuantizedRows

    /// An empty index. Precondition: `dimension >= 1`.
    public convenience init(dimension: Int, metric: DistanceMetric) {
        precondition(dimension >= 1, "BruteForceIndex: dimension must be at least 1, got \(dimension)")
        self.init(metric: metric, store: KeyedVectorStore(dimension: dimension))
    }

    /// An index over `store`, whose vectors are in stored form (for loading).
    init(metric: DistanceMetric, store: KeyedVectorStore) {
        self.dimension = store.dimension
        self.metric = metric
        self.store = store
        quantized = QuantizedRows(dimension: store.dimension)
        quantized.reserveCapacity(store.count)
        for row in 0..<store.count { store.slab.withRow(row) { quantized.append($0) } }
    }

    public var count: Int { store.count }

    /// The store's slab, keys and key dictionary, and the quantized rows.
    public var memoryBytes: Int { store.memoryBytes + quantized.memoryBytes }

    /// Ensures room for `count` vectors in all, without further growth.
    public func reserveCapacity(_ count: Int) {
        store.reserveCapacity(count)
        quantized.reserveCapacity(count)
    }

    public func add(key: UInt64, vector: [Float]) {
        put(key: key, storableVector(vector))
    }

    public func add(key: UInt64, storedVector vector: [Float]) {
        checkStored(vector)
        put(key: key, vector)
    }

    /// Stores `vector` (in stored form) under `key` and its quantized copy in the same row.
    private func put(key: UInt64, _ vector: [Float]) {
        let (row, isNew) = store.store(key: key, vector: vector)
        vector.withUnsafeBufferPointer { isNew ? quantized.append($0) : quantized.replace(row: row, with: $0) }
    }

    @discardableResult
    public func remove(key: UInt64) -> Bool {
        guard let removal = store.remove(key: key) else { return false }
        quantized.removeSwappingLast(row: removal.row)
        return true
    }

    public func contains(key: UInt64) -> Bool {
        store.contains(key: key)
    }

    public func vector(for key: UInt64) -> [Float]? {
        store.vector(for: key)
    }

    /// Exact: `options` do not apply. A large index is screened through its quantized rows
    /// first (``ScreenedScan``, same answer), unless `k` is a large share of it or a sample
    /// shows the filter accepts almost nothing (then ``ExactScan`` asks the filter first).
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        guard store.count > 0 else { return [] }
        let normalized = searchableQuery(query, k: k)
        let k = Swift.min(k, store.count)
        if screens(k: k, filter: filter) {
            return ScreenedScan.nearest(to: normalized, k: k, metric: metric, store: store, quantized: quantized, filter: filter)
        }
        return ExactScan.nearest(to: normalized, k: k, metric: metric, store: store, filter: filter)
    }

    /// Whether a search for `k` screens: enough rows, `k` a small share of them, and a filter
    /// (if any) that a sample shows accepting more than almost nothing.
    private func screens(k: Int, filter: ((UInt64) -> Bool)?) -> Bool {
        guard store.count >= ScreenedScan.minimumRows, k <= store.count / 64 else { return false }
        guard let filter else { return true }
        return store.keys.withUnsafeBufferPointer { ExactScan.passRate(of: filter, keys: $0) } >= ExactScan.filterFirstBelow
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
        writer.write(UInt64(store.count))
        store.write(to: &writer)
    }

    public static func readPayload(from reader: inout ByteReader) throws -> BruteForceIndex {
        let dimension = Int(try reader.read(UInt32.self))
        guard dimension >= 1 else { throw IndexFormatError.corrupt("dimension 0") }
        let metric = try DistanceMetric(tag: reader.read(UInt8.self))
        let count = try reader.readCount(limit: reader.remaining / 8)
        let store = try KeyedVectorStore.read(count: count, dimension: dimension, metric: metric,
                                              checkingUnitLength: false, from: &reader)
        return BruteForceIndex(metric: metric, store: store)
    }
}

extension BruteForceIndex {
    /// The keys of the last `count` rows (fewer when it holds fewer), in row order: the rows
    /// `remove` takes out without moving any other row, which makes it a cheap queue to drain
    /// from its end.
    public func newestKeys(upTo count: Int) -> [UInt64] {
        Array(store.keys.suffix(Swift.max(0, count)))
    }
}
