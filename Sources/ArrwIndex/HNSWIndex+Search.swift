import Synchronization

extension HNSWIndex {
    /// The `k` nearest live keys (accepted by `filter` when given), nearest first, ties by key.
    ///
    /// Greedy descent from the entry point through the upper layers, then a best-first search of
    /// width `max(efSearch, k)` on layer 0 (the paper's SEARCH-LAYER, hnswlib's
    /// `searchBaseLayerST`). Tombstoned and filtered-out nodes are walked through but never
    /// returned; the filter is consulted only when given (the unfiltered loop has no check at all).
    /// When the walk finds fewer than `min(k, matching keys)` results, the matching keys are
    /// scored exactly instead, so a filtered search returns `k` whenever `k` keys pass.
    /// - Complexity: see ``HNSWIndex``; a fallback adds O(n) filter calls and O(p·d) for the
    ///   p passing keys.
    public func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)?, options: SearchOptions) -> [Neighbor] {
        checkSearch(query, k: k)
        if let ef = options.efSearch { precondition(ef >= 1, "HNSWIndex.search: efSearch must be at least 1, got \(ef)") }
        guard !ids.isEmpty else { return [] }
        let ef = Swift.max(options.efSearch ?? efSearch, k)
        let scratch = takeScratch()
        defer { returnScratch(scratch) }
        let q = scratch.query
        query.withUnsafeBufferPointer { source in
            // Safe: both hold dimension floats (checked above; the scratch was made for dimension).
            q.update(from: source.baseAddress!, count: dimension)
        }
        if metric == .cosine { Self.normalize(q, count: dimension) }

        let view = store.view
        let found: [Neighbor]
        switch (metric, filter, tombstoneCount) {
        case (.l2, nil, 0): found = walk(NegativeSquaredL2.self, view, scratch, k: k, ef: ef, gate: AcceptAll())
        case (_, nil, 0): found = walk(DotProduct.self, view, scratch, k: k, ef: ef, gate: AcceptAll())
        case (.l2, nil, _): found = walk(NegativeSquaredL2.self, view, scratch, k: k, ef: ef, gate: AcceptLive(view: view))
        case (_, nil, _): found = walk(DotProduct.self, view, scratch, k: k, ef: ef, gate: AcceptLive(view: view))
        case (.l2, let filter?, _):
            found = walk(NegativeSquaredL2.self, view, scratch, k: k, ef: ef, gate: AcceptFiltered(view: view, filter: filter))
        case (_, let filter?, _):
            found = walk(DotProduct.self, view, scratch, k: k, ef: ef, gate: AcceptFiltered(view: view, filter: filter))
        }
        if found.count >= Swift.min(k, ids.count) { return found }
        let matching = liveKeys(where: filter)
        guard matching.count > found.count else { return found }
        return exactSearch(query: query, k: k, among: matching)
    }

    /// The live keys that `filter` accepts (all when nil), in id order.
    func liveKeys(where filter: ((UInt64) -> Bool)?) -> [UInt64] {
        let view = store.view
        var keys: [UInt64] = []
        for id in 0..<UInt32(store.count) where !view.isTombstone(id) {
            // Safe: id < store.count.
            let key = view.keys[Int(id)]
            if filter?(key) ?? true { keys.append(key) }
        }
        return keys
    }

    /// Descends to layer 0 and searches it; the best `k` accepted results as neighbours.
    private func walk<S: HNSWScore, G: HNSWGate>(_: S.Type, _ view: GraphView, _ scratch: SearchScratch,
                                                 k: Int, ef: Int, gate: G) -> [Neighbor] {
        let q = UnsafePointer(scratch.query)
        var entry = entryPoint
        var entryScore = S.score(q, view.vector(entry), dimension)
        for level in Swift.stride(from: maxLevel, to: 0, by: -1) {
            (entry, entryScore) = view.greedyClosest(S.self, query: q, from: entry, score: entryScore, level: level)
        }
        var candidates = scratch.candidates, results = scratch.results
        defer { scratch.candidates = candidates; scratch.results = results }
        let (visited, tag) = scratch.beginVisit(nodeCount: store.count)
        view.searchLayer(S.self, query: q, entry: entry, entryScore: entryScore, ef: ef, level: 0, gate: gate,
                         visited: visited, tag: tag, candidates: &candidates, results: &results,
                         touched: &scratch.touched)
        var found: [Neighbor] = []
        found.reserveCapacity(results.count)
        for index in 0..<results.count {
            // Safe: index < results.count; every id in the heap is < store.count.
            let item = results.base[index]
            found.append(Neighbor(key: view.keys[Int(item.id)], score: item.score))
        }
        found.sort { $0.ranksBefore($1) }
        if found.count > k { found.removeSubrange(k...) }
        return found
    }

    /// Scales the `count` floats at `v` to unit length with `DistanceKernels.normalize`'s
    /// arithmetic, without allocating (except for norms whose square leaves `Float`'s range).
    static func normalize(_ v: UnsafeMutablePointer<Float>, count: Int) {
        let squared = DistanceKernels.dot(v, v, count: count)
        if squared.isFinite && squared >= Float.leastNormalMagnitude {
            let inverse = 1 / squared.squareRoot()
            // Safe: i < count.
            for i in 0..<count { v[i] *= inverse }
            return
        }
        var copy = Array(UnsafeBufferPointer(start: v, count: count))
        DistanceKernels.normalize(&copy)
        copy.withUnsafeBufferPointer { v.update(from: $0.baseAddress!, count: count) }
    }

    /// A scratch object from the pool (or a new one); give it back with `returnScratch`.
    func takeScratch() -> SearchScratch {
        scratchPool.withLock { $0.popLast() } ?? SearchScratch(dimension: dimension)
    }

    func returnScratch(_ scratch: SearchScratch) {
        scratchPool.withLock { pool in
            if pool.count < Self.maxPooledScratch { pool.append(scratch) }
        }
    }
}

extension GraphView {
    /// The paper's SEARCH-LAYER on `level` (hnswlib's `searchBaseLayerST`): a best-first walk
    /// from `entry` that keeps the `ef` best nodes `gate` accepts in `results` (a min-heap, worst
    /// on top) and stops when the best unexpanded candidate is worse than the worst kept result.
    /// Rejected nodes are still expanded, so the walk passes through tombstones and filtered-out
    /// keys. `visited` must hold `tag` for no node yet (see `SearchScratch.beginVisit`).
    @inline(__always)
    func searchLayer<S: HNSWScore, G: HNSWGate>(
        _: S.Type, query: UnsafePointer<Float>, entry: UInt32, entryScore: Float, ef: Int, level: Int,
        gate: G, visited: UnsafeMutablePointer<UInt16>, tag: UInt16,
        candidates: inout ScoredHeap, results: inout ScoredHeap, touched: inout UInt32
    ) {
        candidates.removeAll()
        results.removeAll()
        results.reserve(ef + 1)
        // Safe: entry < the store's count, which the visited set covers.
        visited[Int(entry)] = tag
        candidates.push(ScoredID(score: -entryScore, id: entry))
        var worst = -Float.infinity
        if gate.accepts(entry) {
            results.push(ScoredID(score: entryScore, id: entry))
            worst = entryScore
        }
        var full = results.count >= ef
        let dimension = self.dimension
        // Unvisited neighbours of the node being expanded: at most 2m ids, on the stack.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: linkStride) { buffer in
            // Safe: a temporary allocation of linkStride >= 1 elements has a base address.
            let fresh = buffer.baseAddress!
            while candidates.count > 0 {
                let current = candidates.top
                if full && -current.score < worst { break }
                candidates.popTop()
                if candidates.count > 0 {
                    // A touch (a load kept by the sink) of the next candidate's list starts its
                    // cache miss now, under this node's work: hnswlib's prefetch, in Swift.
                    touched &+= links(candidates.top.id, level: level)[0]
                }
                // Pass 1: mark the unvisited neighbours and touch their vectors, so all their
                // misses are in flight together.
                let list = links(current.id, level: level)
                // Safe: a list holds its count (<= 2m), then that many ids, all < the store's count.
                let size = Int(list[0])
                var freshCount = 0
                var j = 1
                while j <= size {
                    // Safe: j <= size, inside the list.
                    let neighbor = list[j]
                    j &+= 1
                    // Safe: neighbor < the store's count (the graph invariant), covered by visited.
                    if visited[Int(neighbor)] == tag { continue }
                    visited[Int(neighbor)] = tag
                    touched &+= vector(neighbor).pointee.bitPattern
                    // Safe: freshCount < size <= 2m < linkStride.
                    fresh[freshCount] = neighbor
                    freshCount &+= 1
                }
                // Pass 2: score them four at a time (one query load per four rows; a group of two
                // or three repeats its first row, still cheaper than separate calls), then offer
                // each, in list order, to the candidates and the results.
                var i = 0
                while i < freshCount {
                    let lanes = Swift.min(4, freshCount &- i)
                    let scores: SIMD4<Float>
                    // Safe (fresh reads): i + lane < freshCount for every lane < lanes.
                    let first = vector(fresh[i])
                    if lanes >= 2 {
                        scores = S.score4(query, first, vector(fresh[i &+ 1]), lanes > 2 ? vector(fresh[i &+ 2]) : first,
                                          lanes > 3 ? vector(fresh[i &+ 3]) : first, dimension)
                    } else {
                        scores = SIMD4(repeating: S.score(query, first, dimension))
                    }
                    for lane in 0..<lanes {
                        // Safe: i + lane < freshCount.
                        let neighbor = fresh[i &+ lane]
                        let score = scores[lane]
                        guard !full || score > worst else { continue }
                        candidates.push(ScoredID(score: -score, id: neighbor))
                        guard gate.accepts(neighbor) else { continue }
                        if full {
                            results.replaceTop(ScoredID(score: score, id: neighbor))
                        } else {
                            results.push(ScoredID(score: score, id: neighbor))
                            full = results.count >= ef
                        }
                        worst = results.top.score
                    }
                    i &+= lanes
                }
            }
        }
    }

    /// Greedy search on an upper `level`: moves to the best neighbour until none is better
    /// (the paper's SEARCH-LAYER with ef = 1). Walks through tombstones.
    @inline(__always)
    func greedyClosest<S: HNSWScore>(_: S.Type, query: UnsafePointer<Float>, from start: UInt32, score: Float,
                                     level: Int) -> (UInt32, Float) {
        var best = start, bestScore = score, changed = true
        while changed {
            changed = false
            let list = links(best, level: level)
            // Safe: the count is followed by that many ids, each < the store's count with level >= `level`.
            for j in 1..<(1 + Int(list[0])) {
                let neighbor = list[j]
                let s = S.score(query, vector(neighbor), dimension)
                if s > bestScore {
                    bestScore = s
                    best = neighbor
                    changed = true
                }
            }
        }
        return (best, bestScore)
    }
}
