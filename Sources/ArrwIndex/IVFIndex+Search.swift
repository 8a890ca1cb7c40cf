import CArrwKernels

extension IVFIndex {
    /// Approximate once trained: scans the untrained list (if any) and the lists of the
    /// `options.nprobe ?? nprobe` most promising centroids (clamped to 1 ... nlist), then more
    /// lists, in order, while fewer than `min(k, count)` passing vectors were found. Exact before
    /// training.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        guard count > 0 else { return [] }
        let normalized = searchableQuery(query, k: k)
        let wanted = Swift.min(k, count)
        var heap = TopKHeap(k: wanted)
        normalized.withUnsafeBufferPointer { q in
            // Safe: dimension >= 1, so the query buffer has a base address.
            let query = q.baseAddress!
            scan(untrained, query: query, heap: &heap, filter: filter)
            guard isTrained else { return }
            let scores = probeScores(query: query)
            let probes = Swift.min(Swift.max(options.nprobe ?? nprobe, 1), nlist)
            var nearest = TopKHeap(k: probes)
            for (list, score) in scores.enumerated() { nearest.insert(key: UInt64(list), score: score) }
            let first = nearest.sortedNearestFirst().map { Int($0.key) }
            for list in first { scan(lists[list], query: query, heap: &heap, filter: filter) }
            guard heap.count < wanted else { return }
            let probed = Set(first)
            let rest = (0..<nlist).filter { !probed.contains($0) }
                .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            for list in rest where heap.count < wanted { scan(lists[list], query: query, heap: &heap, filter: filter) }
        }
        return heap.sortedNearestFirst()
    }

    /// Scores every row of `list` with the C block kernels (rows are contiguous), score first:
    /// the filter is asked only about rows that would enter the heap.
    private func scan(_ list: KeyedVectorStore, query: UnsafePointer<Float>, heap: inout TopKHeap, filter: ((UInt64) -> Bool)?) {
        guard list.count > 0 else { return }
        let dimension = self.dimension
        let l2 = metric == .l2
        let block = 512
        list.keys.withUnsafeBufferPointer { keys in
            list.slab.withUnsafeRows { rows in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { scores in
                    var start = 0
                    while start < keys.count {
                        let count = Swift.min(block, keys.count - start)
                        // Safe: the list is non-empty; rows start..<start+count lie inside its buffer and
                        // `scores` holds block ≥ count floats.
                        let first = rows.baseAddress! + start * dimension
                        if l2 {
                            arrw_negative_squared_l2_rows(query, first, count, dimension, scores.baseAddress)
                        } else {
                            arrw_dot_rows(query, first, count, dimension, scores.baseAddress)
                        }
                        for offset in 0..<count where scores[offset] >= heap.threshold {
                            let key = keys[start + offset]
                            if filter?(key) ?? true { heap.insert(key: key, score: scores[offset]) }
                        }
                        start += count
                    }
                }
            }
        }
    }
}
