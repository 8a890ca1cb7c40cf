extension IVFIndex {
    /// Approximate once trained: scans the untrained list (if any) and the lists of the
    /// `options.nprobe ?? nprobe` most promising centroids (clamped to 1 ... nlist), then more
    /// lists, in order, while fewer than `min(k, count)` passing vectors were found. Exact before
    /// training.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        precondition(k >= 1, "IVFIndex.search: k must be at least 1, got \(k)")
        precondition(query.count == dimension, "IVFIndex.search: expected \(dimension) floats, got \(query.count)")
        precondition(query.allSatisfy(\.isFinite), "IVFIndex.search: query has a non-finite component")
        guard count > 0 else { return [] }
        var normalized = query
        if metric == .cosine { DistanceKernels.normalize(&normalized) }
        let wanted = Swift.min(k, count)
        var heap = TopKHeap(k: wanted)
        normalized.withUnsafeBufferPointer { q in
            // Safe: dimension >= 1, so the query buffer has a base address.
            let query = q.baseAddress!
            scan(untrained, query: query, heap: &heap, filter: filter)
            guard isTrained else { return }
            let scores = probeScores(query: query)
            let order = (0..<nlist).sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            let probes = Swift.min(Swift.max(options.nprobe ?? nprobe, 1), nlist)
            for (position, list) in order.enumerated() {
                if position >= probes && heap.count >= wanted { break }
                scan(lists[list], query: query, heap: &heap, filter: filter)
            }
        }
        return heap.sortedNearestFirst()
    }

    /// Scores every row of `list` with the kernels of ``BruteForceIndex`` (score first; the filter
    /// is asked only about rows that would enter the heap).
    private func scan(_ list: IVFList, query: UnsafePointer<Float>, heap: inout TopKHeap, filter: ((UInt64) -> Bool)?) {
        guard !list.keys.isEmpty else { return }
        let dimension = self.dimension
        let l2 = metric == .l2
        list.keys.withUnsafeBufferPointer { keys in
            list.slab.withUnsafeRows { rows in
                // Safe: the list is non-empty, so its rows buffer has a base address.
                var v = rows.baseAddress!
                for index in keys.indices {
                    // Safe: v is the start of row `index`, inside the rows buffer.
                    let score = l2
                        ? -DistanceKernels.squaredL2(v, query, count: dimension)
                        : DistanceKernels.dot(v, query, count: dimension)
                    v += dimension
                    if score < heap.threshold { continue }
                    let key = keys[index]
                    if filter?(key) ?? true { heap.insert(key: key, score: score) }
                }
            }
        }
    }
}
