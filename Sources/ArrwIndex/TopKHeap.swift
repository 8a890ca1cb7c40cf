/// A bounded heap that keeps the `k` best ``Neighbor``s seen so far, for top-k search.
///
/// "Best" is ``Neighbor/ranksBefore(_:)``: the greater score, and on equal scores the smaller key,
/// so the result never depends on the order of insertion. NaN scores are ignored.
///
/// Layout (after swift-collections' `HeapModule`): one contiguous buffer holding a binary min-heap
/// whose root is the *worst* kept neighbour; sifting moves a hole instead of swapping.
/// Invariants: `count <= k`; every parent ranks after (is worse than or equal to) its children;
/// ``threshold`` is the root's score once `count == k`, else `-infinity`.
///
/// - Complexity: ``insert(key:score:)`` is O(1) when the candidate scores below ``threshold``
///   (the common case in a scan), else O(log k); ``sortedNearestFirst()`` is O(k log k).
public struct TopKHeap {
    /// The number of neighbours kept at most.
    public let k: Int
    /// The heap, root first. `storage.count <= k`.
    @usableFromInline var storage: [Neighbor]
    /// The score a candidate must reach once the heap is full (a candidate scoring below it is
    /// rejected at once; one equal to it enters only with a smaller key than the worst kept);
    /// `-infinity` while the heap has room.
    public private(set) var threshold: Float

    /// An empty heap keeping at most `k` neighbours. Precondition: `k >= 1`.
    public init(k: Int) {
        precondition(k >= 1, "TopKHeap: k must be at least 1, got \(k)")
        self.k = k
        self.storage = []
        self.storage.reserveCapacity(Swift.min(k, 4096))
        self.threshold = -.infinity
    }

    /// The number of neighbours kept (at most `k`).
    public var count: Int { storage.count }

    /// Offers a candidate; it is kept if it is among the `k` best seen so far.
    @inlinable
    @inline(__always)
    public mutating func insert(key: UInt64, score: Float) {
        if score < threshold { return }
        insertSlowPath(Neighbor(key: key, score: score))
    }

    /// The kept neighbours, best first (greater score first; equal scores by ascending key).
    public consuming func sortedNearestFirst() -> [Neighbor] {
        var result = storage
        result.sort { $0.ranksBefore($1) }
        return result
    }

    @usableFromInline
    @inline(never)
    mutating func insertSlowPath(_ candidate: Neighbor) {
        if candidate.score.isNaN { return }
        if storage.count < k {
            storage.append(candidate)
            storage.withUnsafeMutableBufferPointer { Self.siftUp(candidate, from: $0.count - 1, in: $0) }
        } else {
            guard candidate.ranksBefore(storage[0]) else { return }
            storage.withUnsafeMutableBufferPointer { Self.siftDown(candidate, from: 0, in: $0) }
        }
        if storage.count == k { threshold = storage[0].score }
    }

    /// Moves the hole at `index` towards the root until `item` (which belongs in the hole) ranks
    /// after its parent or reaches the root, then stores `item` there.
    private static func siftUp(_ item: Neighbor, from index: Int, in heap: UnsafeMutableBufferPointer<Neighbor>) {
        var hole = index
        while hole > 0 {
            let parent = (hole - 1) / 2
            // Safe: 0 <= parent < hole < heap.count, and both slots are initialized.
            guard heap[parent].ranksBefore(item) else { break }
            heap[hole] = heap[parent]
            hole = parent
        }
        // Safe: hole is an index of heap.
        heap[hole] = item
    }

    /// Moves the hole at `index` towards the leaves while a child ranks after `item`, then
    /// stores `item` in it.
    private static func siftDown(_ item: Neighbor, from index: Int, in heap: UnsafeMutableBufferPointer<Neighbor>) {
        let n = heap.count
        var hole = index
        while true {
            let left = 2 * hole + 1
            if left >= n { break }
            var worse = left
            let right = left + 1
            // Safe: left < n, and right is read only when right < n.
            if right < n && heap[left].ranksBefore(heap[right]) { worse = right }
            // Safe: worse < n.
            guard item.ranksBefore(heap[worse]) else { break }
            heap[hole] = heap[worse]
            hole = worse
        }
        // Safe: hole < n.
        heap[hole] = item
    }
}

extension TopKHeap {
    /// Whether the heap order holds (every parent ranks after or equals its children) and
    /// `count <= k`; for tests.
    public var isValid: Bool {
        guard storage.count <= k else { return false }
        for child in storage.indices.dropFirst() where storage[(child - 1) / 2].ranksBefore(storage[child]) {
            return false
        }
        let expected: Float = storage.count == k ? storage[0].score : -.infinity
        return threshold == expected
    }
}
