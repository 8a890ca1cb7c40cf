/// A node id with its score (greater is closer), as kept in the search heaps.
struct ScoredID {
    var score: Float
    var id: UInt32
}

/// A binary min-heap of ``ScoredID`` by score over one owned buffer (hole-based sifting, after
/// swift-collections' `HeapModule`). The search keeps its results in one (worst on top) and its
/// candidates in another with negated scores (best on top).
/// Invariants: `count <= capacity`; every parent's score is <= its children's.
/// Not copy-safe: a copy shares the buffer; exactly one owner calls ``deallocate()``.
/// - Complexity: `push`, `popTop`, `replaceTop` O(log n); `top` O(1).
struct ScoredHeap {
    private(set) var base: UnsafeMutablePointer<ScoredID>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
        self.base = .allocate(capacity: self.capacity)
    }

    func deallocate() {
        // Safe: base came from allocate and its sole owner calls this once.
        base.deallocate()
    }

    /// The smallest score. Precondition (unchecked): `count > 0`.
    @inline(__always) var top: ScoredID {
        // Safe: the heap is not empty.
        base[0]
    }

    mutating func removeAll() { count = 0 }

    /// Ensures room for `wanted` elements.
    mutating func reserve(_ wanted: Int) {
        if wanted > capacity { grow(to: wanted) }
    }

    @inline(__always)
    mutating func push(_ item: ScoredID) {
        if count == capacity { grow(to: capacity * 2) }
        var hole = count
        count &+= 1
        while hole > 0 {
            let parent = (hole &- 1) &>> 1
            // Safe: parent < hole < count, both initialized (ScoredID is trivial).
            let above = base[parent]
            if above.score <= item.score { break }
            base[hole] = above
            hole = parent
        }
        // Safe: hole < count.
        base[hole] = item
    }

    /// Removes the top. Precondition (unchecked): `count > 0`.
    @inline(__always)
    mutating func popTop() {
        count &-= 1
        // Safe: the old last element sits at index count, still inside the buffer.
        if count > 0 { siftDown(base[count]) }
    }

    /// Replaces the top with `item`. Precondition (unchecked): `count > 0`.
    @inline(__always)
    mutating func replaceTop(_ item: ScoredID) {
        siftDown(item)
    }

    /// Moves the hole at the root down while a child is smaller than `item`, then stores it.
    @inline(__always)
    private func siftDown(_ item: ScoredID) {
        let n = count
        var hole = 0
        while true {
            var child = 2 &* hole &+ 1
            if child >= n { break }
            // Safe: child < n, and child + 1 is read only when < n.
            if child &+ 1 < n && base[child &+ 1].score < base[child].score { child &+= 1 }
            // Safe: child < n.
            let below = base[child]
            if item.score <= below.score { break }
            base[hole] = below
            hole = child
        }
        // Safe: hole < n.
        base[hole] = item
    }

    @inline(never)
    private mutating func grow(to wanted: Int) {
        let new = UnsafeMutablePointer<ScoredID>.allocate(capacity: wanted)
        // Safe: the new buffer holds wanted > count elements; the old count are initialized.
        new.moveInitialize(from: base, count: count)
        base.deallocate()
        base = new
        capacity = wanted
    }
}

/// Per-search scratch memory, reused from ``HNSWIndex``'s pool so that a query allocates nothing
/// in the walk: a generation-tagged visited set (hnswlib's `VisitedList`: a node is visited when
/// its slot equals the current tag, so clearing is a tag increment, with a full reset once every
/// 65,535 searches), the two heaps and a copy of the query. One search owns it at a time.
final class SearchScratch: @unchecked Sendable {
    // @unchecked Sendable: an instance moves between threads only through the pool's mutex and is
    // used by one search at a time.
    private(set) var visited: UnsafeMutablePointer<UInt16>
    private(set) var visitedCapacity = 0
    private var tag: UInt16 = 0
    var candidates = ScoredHeap(capacity: 256)
    var results = ScoredHeap(capacity: 256)
    /// `dimension` floats: the (normalized) query.
    let query: UnsafeMutablePointer<Float>
    let dimension: Int
    /// A sink for the search's early "touch" loads, so the compiler keeps them.
    var touched: UInt32 = 0

    init(dimension: Int) {
        self.dimension = dimension
        self.query = .allocate(capacity: dimension)
        self.query.initialize(repeating: 0, count: dimension)
        self.visited = .allocate(capacity: 1)
    }

    deinit {
        // Safe: every buffer is owned by this object alone and freed once, here.
        visited.deallocate()
        query.deallocate()
        candidates.deallocate()
        results.deallocate()
    }

    var memoryBytes: Int {
        visitedCapacity * 2 + dimension * 4 + (candidates.capacity + results.capacity) * MemoryLayout<ScoredID>.stride
    }

    /// Starts a new walk over a graph of `nodeCount` nodes: returns the visited slots (at least
    /// `nodeCount`) and the tag that no slot holds yet.
    func beginVisit(nodeCount: Int) -> (UnsafeMutablePointer<UInt16>, UInt16) {
        if visitedCapacity < nodeCount {
            visited.deallocate()
            visitedCapacity = Swift.max(nodeCount, visitedCapacity + visitedCapacity / 2)
            visited = .allocate(capacity: visitedCapacity)
            // Safe: fresh buffer of visitedCapacity slots.
            visited.initialize(repeating: 0, count: visitedCapacity)
            tag = 0
        }
        tag &+= 1
        if tag == 0 {
            // Safe: all visitedCapacity slots are initialized.
            visited.update(repeating: 0, count: visitedCapacity)
            tag = 1
        }
        return (visited, tag)
    }
}
