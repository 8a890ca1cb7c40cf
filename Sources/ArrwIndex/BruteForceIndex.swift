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
    }

    public var count: Int { store.count }

    /// The store's slab, keys and key dictionary.
    public var memoryBytes: Int { store.memoryBytes }

    /// Ensures room for `count` vectors in all, without further growth.
    public func reserveCapacity(_ count: Int) {
        store.reserveCapacity(count)
    }

    public func add(key: UInt64, vector: [Float]) {
        store.store(key: key, vector: storableVector(vector))
    }

    public func add(key: UInt64, storedVector vector: [Float]) {
        checkStored(vector)
        store.store(key: key, vector: vector)
    }

    @discardableResult
    public func remove(key: UInt64) -> Bool {
        store.remove(key: key) != nil
    }

    public func contains(key: UInt64) -> Bool {
        store.contains(key: key)
    }

    public func vector(for key: UInt64) -> [Float]? {
        store.vector(for: key)
    }

    /// Exact: `options` do not apply.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        guard store.count > 0 else { return [] }
        let normalized = searchableQuery(query, k: k)
        return ExactScan.nearest(to: normalized, k: Swift.min(k, store.count), metric: metric, store: store, filter: filter)
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
