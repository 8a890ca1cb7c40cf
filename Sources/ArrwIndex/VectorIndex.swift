/// The role every vector index plays (brute force now; KD-tree, LSH, HNSW and IVF later):
/// vectors of a fixed `dimension` stored under caller-chosen `UInt64` keys, searched for the `k`
/// nearest to a query under `metric`.
///
/// Scores follow ``DistanceMetric``'s convention (greater is closer); results come nearest first,
/// ties broken by the smaller key (``Neighbor/ranksBefore(_:)``).
///
/// Concurrency contract: mutations (`add`, `remove`) are serialized by the caller, and no read
/// runs during a mutation; `search`, `count`, `contains`, `memoryBytes` and `vector(for:)` may run
/// concurrently from many threads when no mutation runs. Implementations keep no shared scratch
/// state in reads. (Conformers are therefore not `Sendable` by themselves: the owner that enforces
/// this contract, e.g. a reader–writer lock, is.)
public protocol VectorIndex: AnyObject {
    /// The number of floats in every vector. At least 1.
    var dimension: Int { get }
    /// How vectors are compared.
    var metric: DistanceMetric { get }
    /// The number of keys stored.
    var count: Int { get }
    /// An estimate of the bytes the index holds (vectors, keys and its own structures).
    var memoryBytes: Int { get }
    /// Adds, or replaces, the vector stored under `key`.
    /// Preconditions: `vector.count == dimension`, every component finite. For cosine the index
    /// stores the vector normalized to unit length (the caller rejects zero vectors).
    func add(key: UInt64, vector: [Float])
    /// Adds, or replaces, `key` with `vector` already in stored form (as `vector(for:)` of an
    /// index of the same metric returns it), kept bit for bit: how a vector moves from one
    /// index to another without being normalized twice. Precondition: `vector.count == dimension`.
    func add(key: UInt64, storedVector vector: [Float])
    /// Removes `key`; returns whether it was stored.
    @discardableResult func remove(key: UInt64) -> Bool
    /// Whether `key` is stored.
    func contains(key: UInt64) -> Bool
    /// The stored vector (normalized for cosine), or nil when `key` is not stored.
    func vector(for key: UInt64) -> [Float]?
    /// The `k` nearest stored vectors to `query` (for cosine the query is normalized inside),
    /// nearest first, considering only keys for which `filter` is true (nil = all). Returns
    /// `min(k, number of matching keys)` results for an exact index; an approximate one may return
    /// fewer. `filter` runs synchronously on the calling thread, for any subset of the keys (often
    /// only a few), in any order, possibly more than once per key: it must be a pure function of
    /// the key. Preconditions: `k >= 1`, `query.count == dimension`, every component finite.
    /// `options` tune approximate indexes per query (see ``SearchOptions``); exact ones ignore them.
    func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor]
    /// Reorganizes the index for its current contents (compaction after deletions, retraining);
    /// searches afterwards answer as well or better. For an index with nothing to reorganize it
    /// does nothing.
    func optimize()
    /// Slots that removed vectors still hold (HNSW tombstones), which `optimize` or a fresh
    /// build reclaims; 0 for indexes that free a slot on removal.
    var reclaimableCount: Int { get }
}

extension VectorIndex {
    public var reclaimableCount: Int { 0 }
}

/// Per-query settings of approximate indexes; nil keeps the index's own setting.
public struct SearchOptions: Sendable, Equatable {
    /// HNSW: the size of the candidate list while searching (at least k is used).
    public var efSearch: Int?
    /// IVF: how many clusters are searched.
    public var nprobe: Int?

    public init(efSearch: Int? = nil, nprobe: Int? = nil) {
        self.efSearch = efSearch
        self.nprobe = nprobe
    }
}

extension VectorIndex {
    /// Checks a search's preconditions: `k >= 1`, `query.count == dimension`, every component finite.
    public func checkSearch(_ query: [Float], k: Int) {
        precondition(k >= 1, "\(Self.self).search: k must be at least 1, got \(k)")
        precondition(query.count == dimension, "\(Self.self).search: expected \(dimension) floats, got \(query.count)")
        precondition(query.allSatisfy(\.isFinite), "\(Self.self).search: query has a non-finite component")
    }

    /// `checkSearch`, then the query as the index compares it: unit length for cosine.
    public func searchableQuery(_ query: [Float], k: Int) -> [Float] {
        checkSearch(query, k: k)
        var normalized = query
        if metric == .cosine { DistanceKernels.normalize(&normalized) }
        return normalized
    }

    /// Checks a stored vector's length (see `add(key:storedVector:)`).
    func checkStored(_ vector: [Float]) {
        precondition(vector.count == dimension, "\(Self.self).add: expected \(dimension) floats, got \(vector.count)")
    }

    /// Checks an add's preconditions (`vector.count == dimension`, every component finite), then
    /// the vector as the index stores it: unit length for cosine.
    func storableVector(_ vector: [Float]) -> [Float] {
        precondition(vector.count == dimension, "\(Self.self).add: expected \(dimension) floats, got \(vector.count)")
        precondition(vector.allSatisfy(\.isFinite), "\(Self.self).add: vector has a non-finite component")
        var stored = vector
        if metric == .cosine { DistanceKernels.normalize(&stored) }
        return stored
    }

    /// `search` with the index's own settings.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?) -> [Neighbor] {
        search(query: query, k: k, filter: filter, options: SearchOptions())
    }
}

extension VectorIndex {
    /// The exact `k` nearest to `query` among `candidates` (keys not stored are skipped, duplicates
    /// count once), nearest first, ties by the smaller key: for a search planner whose filter leaves
    /// few keys, where scoring them directly beats a filtered scan or graph walk.
    /// Preconditions: `k >= 1`, `query.count == dimension`.
    /// - Complexity: O(m·d + m log k) for m candidates, plus one `vector(for:)` per candidate.
    public func exactSearch(query: [Float], k: Int, among candidates: some Sequence<UInt64>) -> [Neighbor] {
        let normalized = searchableQuery(query, k: k)
        var heap = TopKHeap(k: k)
        var seen = Set<UInt64>()
        normalized.withUnsafeBufferPointer { q in
            for key in candidates where seen.insert(key).inserted {
                guard let stored = vector(for: key) else { continue }
                heap.insert(key: key, score: stored.withUnsafeBufferPointer { metric.score($0, q) })
            }
        }
        return heap.sortedNearestFirst()
    }
}
