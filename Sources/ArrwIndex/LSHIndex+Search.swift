extension LSHIndex {
    /// Approximate: candidates from `probes` buckets of every table, re-ranked by exact score;
    /// an exact scan when the index is not hashed yet (l2 below ``widthFitMinimum``) or when the
    /// candidates hold fewer than `min(k, count)` rows passing `filter`. `options` do not apply
    /// (the number of probes is ``probes``).
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        guard store.count > 0 else { return [] }
        let normalized = searchableQuery(query, k: k)
        let wanted = Swift.min(k, store.count)
        if isHashed {
            let candidates = searchCandidates(query: normalized, k: wanted, filter: filter)
            if candidates.count == wanted { return candidates.sortedNearestFirst() }
        }
        return ExactScan.nearest(to: normalized, k: wanted, metric: metric, store: store, filter: filter)
    }

    /// Scores the rows of the probed buckets of every table, each row once.
    private func searchCandidates(query: [Float], k: Int, filter: ((UInt64) -> Bool)?) -> TopKHeap {
        var heap = TopKHeap(k: k)
        let p = query.withUnsafeBufferPointer { project($0) }
        var visited = [UInt64](repeating: 0, count: (store.count + 63) / 64)
        let l2 = metric == .l2
        query.withUnsafeBufferPointer { q in
            store.slab.withUnsafeRows { vectors in
                store.keys.withUnsafeBufferPointer { keyBuffer in
                    // Safe: query and slab are non-empty (dimension >= 1, the store non-empty).
                    let query = q.baseAddress!, base = vectors.baseAddress!
                    for t in 0..<tables {
                        for code in probeCodes(table: t, projections: p, count: probes) {
                            guard let bucket = buckets[t][code] else { continue }
                            for row in bucket {
                                let r = Int(row)
                                let (word, bit) = (r >> 6, UInt64(1) << UInt64(r & 63))
                                if visited[word] & bit != 0 { continue }
                                visited[word] |= bit
                                // Safe: bucket entries are rows of the slab.
                                let v = base + r * dimension
                                let score = l2
                                    ? -DistanceKernels.squaredL2(v, query, count: dimension)
                                    : DistanceKernels.dot(v, query, count: dimension)
                                if score < heap.threshold { continue }
                                let key = keyBuffer[r]
                                if filter?(key) ?? true { heap.insert(key: key, score: score) }
                            }
                        }
                    }
                }
            }
        }
        return heap
    }
}
