/// An exact index that answers from a k-d tree (Bentley 1975; Friedman, Bentley & Finkel 1977):
/// the same results as ``BruteForceIndex`` (keys, order and scores, bit for bit), found by
/// visiting only the leaves that can still hold one of the k nearest.
///
/// **Metrics.** `l2` searches the tree directly. `cosine` stores unit vectors, where squared
/// Euclidean distance is `2 − 2·cos`, so the tree prunes by L2 while results carry the cosine
/// score (the same dot kernel as brute force). `dot` has no metric-space pruning (inner product is
/// not a distance: no bound from a splitting hyperplane limits `q·x`), so it scans every row like
/// ``BruteForceIndex``; it is still exact.
///
/// **Where it pays off.** A k-d tree's pruning fades as the dimension grows (the curse of
/// dimensionality: the ball around the k-th neighbour crosses most splitting planes), roughly
/// once `2^d` approaches `n`. Measured (release build, 1 thread, uniform random vectors in
/// [−1, 1]^d, k = 10, 200 queries; speed-up = brute-force time / tree time, l2; cosine alike):
///
/// | n | d = 4 | d = 8 | d = 12 | d = 16 | d = 20 | d = 64 | no faster from |
/// | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
/// | 10,000 | 9.5× | 2.4× | 0.68× | 0.53× | 0.56× | 0.64× | d ≈ 11 |
/// | 100,000 | 44× | 9.5× | 2.1× | 0.76× | 0.53× | 0.26× | d ≈ 15 |
/// | 1,000,000 | 200× | 33× | 4.8× | 0.87× | 0.31× | 0.26× | d ≈ 16 |
///
/// Past the break-even the tree visits nearly every leaf, in an order that defeats the hardware
/// prefetcher, so it runs up to 4× slower than a brute-force scan: prefer ``BruteForceIndex``
/// there. Clustered or low intrinsic-dimension data moves the break-even up; sentence embeddings
/// (e.g. all-MiniLM-L6-v2, 384-d) are far past it, so use HNSW or IVF for them.
///
/// **Layout.** Vectors and keys live in one ``KeyedVectorStore`` (rows dense, swap-remove).
/// `nodes` is the tree, root at 0; a node is a leaf (its `members` are rows) or splits on one
/// dimension at a value (`left` holds rows with `x[d] ≤ value`, `right` rows with
/// `x[d] ≥ value`). The build splits at the median of the dimension of greatest spread (estimated
/// on a sample of at most 256 rows) and reorders the store so each leaf's rows are contiguous.
///
/// Invariants: every row is in exactly one leaf (`leafOfRow[row]`, at `slotOfRow[row]` in its
/// `members`); each internal node's children have greater node numbers than it; every row obeys
/// the split of every ancestor. Adds descend to a leaf and split it past `2 × leafSize` rows;
/// removes take the row out of its leaf (leaves may become empty). The whole tree is rebuilt,
/// balanced, when the count reaches twice the count of the last build (and at least
/// `4 × leafSize`), and by ``optimize()``.
///
/// Reads keep no shared scratch state, so concurrent searches are safe (see ``VectorIndex``).
///
/// - Complexity: `search` for `l2`/`cosine` is O(log n + visited leaves × leafSize × d); for
///   low dimensions and uniform data about O(2^d · leafSize · d + log n), degrading to O(n·d) in
///   high dimensions; `dot` is O(n·d). `add` is O(d + depth) amortized (the doubling rebuilds
///   cost O(n·d + n log n) each); `remove` O(d); `contains` O(1); `optimize` O(n·d + n log n).
public final class KDTreeIndex {
    public let dimension: Int
    public let metric: DistanceMetric
    /// Rows per leaf after a balanced build; a leaf is split once it holds more than twice this.
    public let leafSize: Int
    /// The vectors, one row per key (unit length for cosine).
    let store: KeyedVectorStore
    /// The tree, root at 0.
    var nodes: [KDNode]
    /// For a leaf node, its rows; empty for internal nodes.
    var members: [[Int32]]
    /// The leaf node holding each row.
    var leafOfRow: [Int32]
    /// Each row's position in its leaf's `members`.
    var slotOfRow: [Int32]
    /// The count when the tree was last built from scratch.
    var builtCount: Int

    /// An empty index. Preconditions: `dimension >= 1`, `leafSize >= 1`.
    public convenience init(dimension: Int, metric: DistanceMetric, leafSize: Int = 32) {
        precondition(dimension >= 1, "KDTreeIndex: dimension must be at least 1, got \(dimension)")
        self.init(metric: metric, leafSize: leafSize, store: KeyedVectorStore(dimension: dimension))
    }

    /// An index whose tree is one empty leaf, over `store` (for loading, which then installs the
    /// tree). Precondition: `leafSize >= 1`.
    init(metric: DistanceMetric, leafSize: Int, store: KeyedVectorStore) {
        precondition(leafSize >= 1, "KDTreeIndex: leafSize must be at least 1, got \(leafSize)")
        self.dimension = store.dimension
        self.metric = metric
        self.leafSize = leafSize
        self.store = store
        self.nodes = [KDNode.leaf]
        self.members = [[]]
        self.leafOfRow = []
        self.slotOfRow = []
        self.builtCount = 0
    }
}

/// One node of a ``KDTreeIndex``: a leaf (`dimension < 0`), or a split of `dimension` at `value`
/// with children `left` (coordinates ≤ value) and `right` (coordinates ≥ value).
struct KDNode: Equatable {
    var dimension: Int32
    var value: Float
    var left: Int32
    var right: Int32

    static let leaf = KDNode(dimension: -1, value: 0, left: -1, right: -1)

    var isLeaf: Bool { dimension < 0 }
}

extension KDTreeIndex: SerializableIndex {
    public static let typeTag: UInt8 = 2

    public var count: Int { store.count }

    /// The store (slab, keys, key dictionary), the nodes and the per-row leaf bookkeeping.
    public var memoryBytes: Int {
        store.memoryBytes
            + nodes.capacity * MemoryLayout<KDNode>.stride
            + members.capacity * MemoryLayout<[Int32]>.stride
            + members.reduce(0) { $0 + $1.capacity * MemoryLayout<Int32>.stride }
            + (leafOfRow.capacity + slotOfRow.capacity) * MemoryLayout<Int32>.stride
    }

    public func add(key: UInt64, vector: [Float]) {
        add(key: key, storedVector: storableVector(vector))
    }

    public func add(key: UInt64, storedVector stored: [Float]) {
        checkStored(stored)
        precondition(store.count < Int(Int32.max), "KDTreeIndex.add: too many vectors")
        let (row, isNew) = store.store(key: key, vector: stored)
        if isNew {
            leafOfRow.append(-1)
            slotOfRow.append(-1)
        } else {
            detach(row: row)
        }
        insertIntoTree(row: row)
        if isNew && store.count >= 2 * builtCount && store.count >= 4 * leafSize { rebuild() }
    }

    @discardableResult
    public func remove(key: UInt64) -> Bool {
        guard let row = store.row(of: key) else { return false }
        detach(row: row)
        if let last = store.remove(key: key)?.movedFrom {
            let leaf = leafOfRow[last], slot = slotOfRow[last]
            leafOfRow[row] = leaf
            slotOfRow[row] = slot
            members[Int(leaf)][Int(slot)] = Int32(row)
        }
        leafOfRow.removeLast()
        slotOfRow.removeLast()
        return true
    }

    public func contains(key: UInt64) -> Bool {
        store.contains(key: key)
    }

    public func vector(for key: UInt64) -> [Float]? {
        store.vector(for: key)
    }

    /// Rebuilds the tree balanced (median splits) for the current contents and lays each leaf's
    /// rows out contiguously. Search results do not change (the index is exact), only speed.
    /// - Complexity: O(n·d + n log n).
    public func optimize() {
        rebuild()
    }

    /// Takes `row` out of its leaf (swapping the leaf's last member into its slot).
    private func detach(row: Int) {
        let leaf = Int(leafOfRow[row]), slot = Int(slotOfRow[row])
        let moved = members[leaf].removeLast()
        if Int(moved) != row {
            members[leaf][slot] = moved
            slotOfRow[Int(moved)] = Int32(slot)
        }
        leafOfRow[row] = -1
        slotOfRow[row] = -1
    }

    /// Descends from the root to the leaf whose region holds `row` and appends it there, splitting
    /// the leaf when it outgrows `2 × leafSize`.
    private func insertIntoTree(row: Int) {
        var node = 0
        store.slab.withRow(row) { v in
            while !nodes[node].isLeaf {
                let split = nodes[node]
                node = Int(v[Int(split.dimension)] <= split.value ? split.left : split.right)
            }
        }
        leafOfRow[row] = Int32(node)
        slotOfRow[row] = Int32(members[node].count)
        members[node].append(Int32(row))
        if members[node].count > 2 * leafSize {
            var order = members[node]
            members[node] = []
            build(node: node, order: &order, range: 0..<order.count)
        }
    }
}
