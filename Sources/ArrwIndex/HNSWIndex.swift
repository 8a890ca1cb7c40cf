import Synchronization

/// Approximate nearest-neighbour search on a hierarchical navigable small world graph
/// (Malkov & Yashunin 2018, "Efficient and robust approximate nearest neighbor search using
/// Hierarchical Navigable Small World graphs", IEEE TPAMI 42(4)), laid out as hnswlib lays it out.
///
/// Storage (``HNSWStore``): every node has a dense internal `UInt32` id (insertion order) and one
/// fixed-size record in a single contiguous slab, `[vector: d floats][link count][2m link ids]`,
/// so a search reads a node's vector and its layer-0 links from one place. Only the ~1/m of nodes
/// that reach layer 1 or above own upper-layer link blocks (`[count][m ids]` per layer, in a
/// separate pool). `ids` maps a live key to its id; the store maps an id back to its key.
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
///   `d·4 + 2m·4 + 20` bytes per node.
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
    var random: SplitMix64
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
        self.random = SplitMix64(seed: seed)
    }

    /// The number of live keys.
    public var count: Int { ids.count }

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
        scratchPool.withLock { $0.removeAll() }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator for node levels.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The raw memory of an ``HNSWIndex``: the vector slab, the layer-0 link slab and the side
/// tables, all indexed by internal id, plus the pool of upper-layer link blocks. Owns its buffers
/// (freed in `deinit`); grows by ×1.5. Vector row: `dimension` floats, padded to a multiple of
/// 16 bytes (`vectorStride`), 64-byte aligned slab. Layer-0 list: a count, then `2m` slots
/// (UInt32). An upper block of a node of level `L` is `L` lists of
/// `1 + m` UInt32 (count, then ids), for layers 1...L in order, starting at `upperOffsets[id]`.
final class HNSWStore {
    let dimension: Int
    let m: Int
    /// Bytes per vector row.
    let vectorStride: Int
    /// UInt32 slots per layer-0 list (count + 2m).
    let linkStride: Int
    /// Nodes stored (live and tombstoned).
    private(set) var count = 0
    /// Nodes the slab and side tables can hold.
    private(set) var capacity = 0
    /// UInt32 slots of the upper pool in use, and allocated.
    private(set) var upperCount = 0
    private(set) var upperCapacity = 0
    private(set) var vectors: UnsafeMutableRawPointer
    private(set) var links0: UnsafeMutablePointer<UInt32>
    private(set) var keys: UnsafeMutablePointer<UInt64>
    private(set) var levels: UnsafeMutablePointer<UInt8>
    private(set) var upperOffsets: UnsafeMutablePointer<UInt32>
    private(set) var tombstones: UnsafeMutablePointer<UInt64>
    private(set) var upper: UnsafeMutablePointer<UInt32>

    init(dimension: Int, m: Int) {
        self.dimension = dimension
        self.m = m
        self.vectorStride = (dimension * 4 + 15) / 16 * 16
        self.linkStride = 1 + 2 * m
        self.vectors = .allocate(byteCount: 64, alignment: 64)
        self.links0 = .allocate(capacity: 1)
        self.keys = .allocate(capacity: 1)
        self.levels = .allocate(capacity: 1)
        self.upperOffsets = .allocate(capacity: 1)
        self.tombstones = .allocate(capacity: 1)
        self.upper = .allocate(capacity: 1)
    }

    deinit {
        // Safe: each buffer came from allocate, is owned by this store alone and freed once, here.
        vectors.deallocate()
        links0.deallocate()
        keys.deallocate()
        levels.deallocate()
        upperOffsets.deallocate()
        tombstones.deallocate()
        upper.deallocate()
    }

    var memoryBytes: Int {
        capacity * (vectorStride + linkStride * 4 + 8 + 1 + 4) + (capacity + 63) / 64 * 8 + upperCapacity * 4
    }

    /// Pointers to everything, for loops that must not touch class properties.
    var view: GraphView {
        GraphView(vectors: vectors, vectorStride: vectorStride, links0: links0, linkStride: linkStride,
                  dimension: dimension,
                  upper: upper, upperOffsets: upperOffsets, upperStride: 1 + m,
                  keys: keys, tombstones: tombstones, levels: levels)
    }

    /// Ensures room for `nodes` nodes.
    func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let words = (capacity + 63) / 64, newWords = (wanted + 63) / 64
        let newVectors = UnsafeMutableRawPointer.allocate(byteCount: wanted * vectorStride, alignment: 64)
        // Safe: both slabs hold at least count rows; the old ones are initialized.
        newVectors.copyMemory(from: vectors, byteCount: count * vectorStride)
        vectors.deallocate()
        vectors = newVectors
        links0 = Self.grow(links0, used: count * linkStride, to: wanted * linkStride)
        keys = Self.grow(keys, used: count, to: wanted)
        levels = Self.grow(levels, used: count, to: wanted)
        upperOffsets = Self.grow(upperOffsets, used: count, to: wanted)
        tombstones = Self.grow(tombstones, used: words, to: newWords)
        // Safe: words..<newWords lie inside the new bitmap.
        (tombstones + words).initialize(repeating: 0, count: newWords - words)
        capacity = wanted
    }

    /// Appends a node record holding `vector` (dimension floats), no links, not tombstoned, and
    /// an upper block of `level` empty lists; returns its id.
    func append(key: UInt64, vector: UnsafePointer<Float>, level: Int) -> UInt32 {
        precondition(count < Int(UInt32.max), "HNSWIndex: more than \(UInt32.max - 1) nodes")
        if count == capacity { reserve(Swift.max(16, capacity + capacity / 2)) }
        let id = count
        let row = vectors + id * vectorStride
        // Safe: the row's vectorStride bytes lie inside the slab (id < capacity); padding is zeroed.
        row.initializeMemory(as: UInt8.self, repeating: 0, count: vectorStride)
        row.copyMemory(from: vector, byteCount: dimension * 4)
        // Safe: id < capacity for the link slab and every side table.
        links0[id * linkStride] = 0
        keys[id] = key
        levels[id] = UInt8(level)
        upperOffsets[id] = level > 0 ? allocateUpper(lists: level) : 0
        count += 1
        return UInt32(id)
    }

    /// Reserves `lists` empty upper lists in the pool; returns the offset of the first.
    private func allocateUpper(lists: Int) -> UInt32 {
        let slots = lists * (1 + m)
        precondition(upperCount + slots < Int(UInt32.max), "HNSWIndex: upper layers too large")
        if upperCount + slots > upperCapacity {
            let wanted = Swift.max(upperCount + slots, upperCapacity + upperCapacity / 2, 64)
            upper = Self.grow(upper, used: upperCount, to: wanted)
            upperCapacity = wanted
        }
        let offset = upperCount
        for list in 0..<lists {
            // Safe: offset + list·(1+m) < upperCount + slots <= upperCapacity.
            upper[offset + list * (1 + m)] = 0
        }
        upperCount += slots
        return UInt32(offset)
    }

    /// Marks node `id` tombstoned. Precondition: `id < count`.
    func setTombstone(_ id: UInt32) {
        precondition(Int(id) < count, "HNSWStore: id \(id) out of range")
        // Safe: id < count <= capacity, so its word lies inside the bitmap.
        tombstones[Int(id) >> 6] |= 1 << (UInt64(id) & 63)
    }

    /// A buffer of `capacity` elements holding a copy of the first `used` of `old` (freed).
    private static func grow<T>(_ old: UnsafeMutablePointer<T>, used: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let new = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, capacity))
        // Safe: the new buffer holds capacity >= used elements; old holds used initialized ones
        // (all element types here are trivial, so moving is copying).
        new.moveInitialize(from: old, count: used)
        old.deallocate()
        return new
    }
}

/// Unmanaged pointers into an ``HNSWStore``, valid while the store lives and does not grow:
/// hot loops read through it instead of class properties (no retain, no exclusivity checks).
struct GraphView {
    let vectors: UnsafeMutableRawPointer
    let vectorStride: Int
    let links0: UnsafeMutablePointer<UInt32>
    let linkStride: Int
    let dimension: Int
    let upper: UnsafeMutablePointer<UInt32>
    let upperOffsets: UnsafeMutablePointer<UInt32>
    let upperStride: Int
    let keys: UnsafeMutablePointer<UInt64>
    let tombstones: UnsafeMutablePointer<UInt64>
    let levels: UnsafeMutablePointer<UInt8>

    /// The vector of node `id`. Precondition (unchecked): `id` < the store's count.
    @inline(__always)
    func vector(_ id: UInt32) -> UnsafePointer<Float> {
        // Safe: row `id` lies inside the slab and starts with its dimension floats (the slab is
        // bound to nothing else; floats are read and written through typed Float pointers only).
        UnsafePointer((vectors + (Int(id) &* vectorStride)).assumingMemoryBound(to: Float.self))
    }

    /// The list of node `id` on `level`: the count, then the ids.
    /// Precondition (unchecked): `id` < the store's count and `level <= levels[id]`.
    @inline(__always)
    func links(_ id: UInt32, level: Int) -> UnsafeMutablePointer<UInt32> {
        if level == 0 {
            // Safe: list `id` (count, then 2m slots) lies inside the layer-0 slab.
            return links0 + Int(id) &* linkStride
        }
        // Safe: a node of level L owns L lists of upperStride slots from upperOffsets[id].
        return upper + (Int(upperOffsets[Int(id)]) &+ (level &- 1) &* upperStride)
    }

    /// Whether node `id` is tombstoned. Precondition (unchecked): `id` < the store's count.
    @inline(__always)
    func isTombstone(_ id: UInt32) -> Bool {
        // Safe: the bitmap covers every id below the store's capacity.
        tombstones[Int(id &>> 6)] & (1 &<< (UInt64(id) & 63)) != 0
    }
}
