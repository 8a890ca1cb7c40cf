import Synchronization

/// Approximate nearest-neighbour search on a hierarchical navigable small world graph
/// (Malkov & Yashunin 2018, "Efficient and robust approximate nearest neighbor search using
/// Hierarchical Navigable Small World graphs", IEEE TPAMI 42(4)), laid out as hnswlib lays it out.
///
/// Storage (``HNSWStore``): every node has a dense internal `UInt32` id (insertion order). Vectors
/// lie in one contiguous, 64-byte-aligned slab and the layer-0 link lists (`[count][2m ids]`) in
/// a second one. (hnswlib interleaves both in one record; measured on 384-d vectors the two
/// layouts search equally fast, and separate slabs keep rows cache-line aligned without padding.)
/// Only the ~1/m of nodes that reach layer 1 or above own upper-layer link blocks (`[count][m ids]`
/// per layer, in a separate pool). `ids` maps a live key to its id; the store maps an id back.
/// For `cosine` vectors are stored unit length and scored by dot product.
///
/// Invariants: every link id is `< nodeCount`, and a link on layer `l` points to a node whose
/// level is `>= l`; a list holds at most `2m` ids on layer 0 and `m` above; `entryPoint` has level
/// `maxLevel` (`maxLevel == -1` exactly when there are no nodes); `ids` holds exactly the keys of
/// the nodes that are not tombstoned, and `count == ids.count`.
///
/// Deletion marks a tombstone: the node leaves the results at once but keeps its vector and
/// links, so searches still walk through it; its live out-neighbours drop their link to it and
/// are reconnected through its neighbours (see `HNSWIndex+Deletion.swift`). ``optimize()``
/// rebuilds the graph from the live nodes only and returns the memory. `add` of a stored key is a
/// remove and an insert.
///
/// Concurrency: as ``VectorIndex`` states. Searches take their visited set and heaps from a pool
/// guarded by a mutex, so concurrent searches never share scratch memory.
///
/// - Complexity: `search` about O(log n · ef · m · d) expected (greedy descent through the upper
///   layers, then a best-first search of width `max(ef, k)` on layer 0); `add` the same with
///   `efConstruction` plus O(m² · d) for the neighbour heuristic; `remove` O(m² · d) per layer of
///   the node; `optimize` a full rebuild of the live nodes; `contains` O(1); memory about
///   `d·4 + (2m + 1)·4 + 40` bytes per node (the key map and upper layers included).
public final class HNSWIndex: SerializableIndex {
    public let dimension: Int
    public let metric: DistanceMetric
    /// Links chosen per node and layer on insertion (`M`); layer 0 keeps up to `2m`.
    public let m: Int
    /// The width of the candidate list while inserting (`efConstruction`).
    public let efConstruction: Int
    /// The default width of the candidate list while searching (`efSearch`; a query may override
    /// it with ``SearchOptions/efSearch``; at least `k` is always used). At least 1.
    public var efSearch: Int {
        didSet { precondition(efSearch >= 1, "HNSWIndex: efSearch must be at least 1, got \(efSearch)") }
    }

    /// Vectors, links, keys, levels and tombstones of every node (live or tombstoned).
    var store: HNSWStore
    /// The internal id of every live key.
    var ids: [UInt64: UInt32]
    /// Where every search starts (meaningful only when `maxLevel >= 0`).
    var entryPoint: UInt32
    /// The highest layer of the graph; -1 when it has no nodes.
    var maxLevel: Int
    /// The number of tombstoned nodes still in the graph.
    var tombstoneCount: Int
    /// Draws node levels; seeded, so equal inputs build equal graphs.
    var random: SeededIndexRandom
    /// Counts the times every node was dropped at once (`resetGraph`, `optimize`): a batch begun
    /// in an earlier generation has lost its nodes (see ``HNSWBatch``).
    var generation = 0
    /// Visited sets and heaps for searches, reused across queries (see `SearchScratch`).
    let scratchPool = Mutex<[SearchScratch]>([])

    /// Upper bound on the level of a node (far above any level a real graph reaches).
    static let levelCap = 48
    /// Upper bound on `m` (link lists must stay small and serialized counts bounded).
    static let maxM = 1024
    /// Scratch objects kept in the pool at most.
    static let maxPooledScratch = 64

    /// An empty index.
    /// Preconditions: `dimension >= 1`, `2 <= m <= 1024`, `efConstruction >= 1`, `efSearch >= 1`.
    public init(dimension: Int, metric: DistanceMetric, m: Int = 16, efConstruction: Int = 200,
                efSearch: Int = 64, seed: UInt64 = 42) {
        precondition(dimension >= 1, "HNSWIndex: dimension must be at least 1, got \(dimension)")
        precondition(m >= 2 && m <= Self.maxM, "HNSWIndex: m must be in 2...\(Self.maxM), got \(m)")
        precondition(efConstruction >= 1, "HNSWIndex: efConstruction must be at least 1, got \(efConstruction)")
        precondition(efSearch >= 1, "HNSWIndex: efSearch must be at least 1, got \(efSearch)")
        self.dimension = dimension
        self.metric = metric
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.store = HNSWStore(dimension: dimension, m: m)
        self.ids = [:]
        self.entryPoint = 0
        self.maxLevel = -1
        self.tombstoneCount = 0
        self.random = SeededIndexRandom(seed: seed)
    }

    /// The number of live keys.
    public var count: Int { ids.count }

    /// Tombstoned nodes, which `optimize` (or a fresh build) drops.
    public var reclaimableCount: Int { tombstoneCount }

    /// The node slab and side tables at their capacity, the key map (capacity × (key + id) plus
    /// its bucket bitmap) and the pooled search scratch.
    public var memoryBytes: Int {
        store.memoryBytes
            + ids.capacity * (MemoryLayout<UInt64>.stride + MemoryLayout<UInt32>.stride) + ids.capacity / 8
            + scratchPool.withLock { pool in pool.reduce(0) { $0 + $1.memoryBytes } }
    }

    /// Ensures room for `count` nodes in all without growing the slab.
    public func reserveCapacity(_ count: Int) {
        store.reserve(count)
        ids.reserveCapacity(count)
    }

    public func contains(key: UInt64) -> Bool {
        ids[key] != nil
    }

    public func vector(for key: UInt64) -> [Float]? {
        guard let id = ids[key] else { return nil }
        // Safe: id < store.count, and the row holds dimension initialized floats.
        return Array(UnsafeBufferPointer(start: store.view.vector(id), count: dimension))
    }

    /// The level of a new node: layer `l` is reached with probability `m^-l`, the paper's
    /// `floor(-ln(U) · mL)` with `mL = 1 / ln(m)`, drawn as successive trials of probability 1/m.
    func randomLevel() -> Int {
        let threshold = UInt64.max / UInt64(m)
        var level = 0
        while level < Self.levelCap && random.next() < threshold { level += 1 }
        return level
    }

    /// Forgets every node (all were tombstoned): an empty graph, its memory returned.
    func resetGraph() {
        store = HNSWStore(dimension: dimension, m: m)
        ids = [:]
        entryPoint = 0
        maxLevel = -1
        tombstoneCount = 0
        generation += 1
        scratchPool.withLock { $0.removeAll() }
    }
}
