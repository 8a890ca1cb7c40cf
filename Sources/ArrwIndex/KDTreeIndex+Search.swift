extension KDTreeIndex {
    /// The relative slack added to the pruning limit so that float rounding (in the kernels and
    /// in the incremental bound) can never prune a row that brute force would return: a region is
    /// skipped only when its lower bound exceeds the current k-th distance by more than this.
    static let pruningTolerance: Float = 1e-4

    /// Exact: `options` do not apply. Depth-first, nearer child first; the farther child is
    /// visited only when the lower bound on its squared distance (Arya & Mount 1993's incremental
    /// distance: per dimension, the largest offset of the query from a splitting plane on the
    /// path) does not exceed the current k-th distance. `dot` scans every row.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        guard store.count > 0 else { return [] }
        let normalized = searchableQuery(query, k: k)
        let wanted = Swift.min(k, store.count)
        if metric == .dot {
            return ExactScan.nearest(to: normalized, k: wanted, metric: metric, store: store, filter: filter)
        }
        var heap = TopKHeap(k: wanted)
        normalized.withUnsafeBufferPointer { q in
            store.slab.withUnsafeRows { vectors in
                nodes.withUnsafeBufferPointer { nodeBuffer in
                    members.withUnsafeBufferPointer { memberBuffer in
                        store.keys.withUnsafeBufferPointer { keyBuffer in
                            // Safe: the slab and the query are non-empty (the store is non-empty, dimension >= 1).
                            let tree = Walk(nodes: nodeBuffer, members: memberBuffer, keys: keyBuffer,
                                            query: q.baseAddress!, vectors: vectors.baseAddress!,
                                            dimension: dimension, cosine: metric == .cosine)
                            tree.search(heap: &heap, filter: filter)
                        }
                    }
                }
            }
        }
        return heap.sortedNearestFirst()
    }
}

/// One k-d tree walk for `l2` and `cosine` (unit vectors) over buffers borrowed for the duration
/// of a search (so the hot loop touches no class property).
private struct Walk {
    let nodes: UnsafeBufferPointer<KDNode>
    let members: UnsafeBufferPointer<[Int32]>
    let keys: UnsafeBufferPointer<UInt64>
    let query: UnsafePointer<Float>
    let vectors: UnsafePointer<Float>
    let dimension: Int
    let cosine: Bool

    /// One frame of the explicit depth-first stack (no recursion, so an unbalanced tree between
    /// rebuilds cannot exhaust a thread's stack).
    struct Frame {
        var node: Int32
        /// 0: not entered; 1: nearer child done; 2: farther child done, restore the offset.
        var stage: UInt8
        /// The lower bound on the squared distance from the query to this node's region.
        var bound: Float
        /// The offset of the split dimension before the farther child replaced it.
        var savedOffset: Float
    }

    /// The squared-L2 limit beyond which a region cannot hold a row scoring ≥ `threshold`.
    /// l2: the k-th squared distance, relatively widened. cosine: |q − x|² = 2 − 2·q·x for unit
    /// vectors, widened absolutely (the kernels' error is absolute there).
    func limit(_ threshold: Float) -> Float {
        let tolerance = KDTreeIndex.pruningTolerance
        return cosine ? (2 - 2 * threshold) + 4 * tolerance : -threshold * (1 + tolerance)
    }

    func search(heap: inout TopKHeap, filter: ((UInt64) -> Bool)?) {
        var offsets = [Float](repeating: 0, count: dimension)
        var stack: [Frame] = [Frame(node: 0, stage: 0, bound: 0, savedOffset: 0)]
        stack.reserveCapacity(64)
        while let top = stack.last {
            // Safe: node numbers in frames are the root or children, all validated < nodes.count.
            let node = nodes[Int(top.node)]
            switch top.stage {
            case 0:
                if top.bound > limit(heap.threshold) {
                    stack.removeLast()
                } else if node.isLeaf {
                    scanLeaf(Int(top.node), heap: &heap, filter: filter)
                    stack.removeLast()
                } else {
                    let diff = query[Int(node.dimension)] - node.value
                    stack[stack.count - 1].stage = 1
                    stack.append(Frame(node: diff <= 0 ? node.left : node.right, stage: 0, bound: top.bound, savedOffset: 0))
                }
            case 1:
                let dim = Int(node.dimension)
                // Safe: split dimensions are < dimension, the length of query and offsets.
                let diff = query[dim] - node.value
                let old = offsets[dim]
                let offset = Swift.max(old, abs(diff))
                let bound = top.bound - old * old + offset * offset
                if bound > limit(heap.threshold) {
                    stack.removeLast()
                } else {
                    stack[stack.count - 1].stage = 2
                    stack[stack.count - 1].savedOffset = old
                    offsets[dim] = offset
                    stack.append(Frame(node: diff <= 0 ? node.right : node.left, stage: 0, bound: bound, savedOffset: 0))
                }
            default:
                offsets[Int(node.dimension)] = top.savedOffset
                stack.removeLast()
            }
        }
    }

    /// Scores a leaf's rows with the same kernels as ``BruteForceIndex`` (score first; the filter
    /// is asked only about rows that would enter the heap).
    func scanLeaf(_ node: Int, heap: inout TopKHeap, filter: ((UInt64) -> Bool)?) {
        members[node].withUnsafeBufferPointer { leafRows in
            for row in leafRows {
                let index = Int(row)
                // Safe: leaf members are rows of the slab, whose dimension floats lie inside it.
                let v = vectors + index * dimension
                let score = cosine
                    ? DistanceKernels.dot(v, query, count: dimension)
                    : -DistanceKernels.squaredL2(v, query, count: dimension)
                if score < heap.threshold { continue }
                // Safe: index is a row, and keys has one entry per row.
                let key = keys[index]
                if filter?(key) ?? true { heap.insert(key: key, score: score) }
            }
        }
    }
}
