extension HNSWIndex {
    /// Adds `key`, or replaces its vector (a remove, then an insert under a new id).
    /// - Complexity: see ``HNSWIndex``.
    public func add(key: UInt64, vector: [Float]) {
        add(key: key, storedVector: storableVector(vector))
    }

    public func add(key: UInt64, storedVector stored: [Float]) {
        checkStored(stored)
        if ids[key] != nil { remove(key: key) }
        stored.withUnsafeBufferPointer { insert(key: key, stored: $0.baseAddress!) }
    }

    /// Inserts a node for `key` (not stored yet) holding `stored`, already in stored form
    /// (unit length for cosine): the paper's INSERT, as hnswlib's `addPoint` does it.
    func insert(key: UInt64, stored: UnsafePointer<Float>) {
        if ids.isEmpty && store.count > 0 { resetGraph() }
        let level = randomLevel()
        let id = store.append(key: key, vector: stored, level: level)
        ids[key] = id
        guard maxLevel >= 0 else {
            entryPoint = id
            maxLevel = level
            return
        }
        switch metric {
        case .cosine, .dot: connect(DotProduct.self, id, level: level)
        case .l2: connect(NegativeSquaredL2.self, id, level: level)
        }
        if level > maxLevel {
            entryPoint = id
            maxLevel = level
        }
    }

    /// Links the new node `id` of `level` into layers `min(level, maxLevel)` down to 0: the
    /// heuristic's choice on each layer (`chooseLinks`) becomes its list, with a link back from
    /// each chosen node.
    func connect<S: HNSWScore>(_: S.Type, _ id: UInt32, level: Int) {
        let view = store.view
        let buffers = LinkScratch(results: efConstruction + 1, m: m)
        chooseLinks(S.self, id, level: level, view: view, buffers: buffers) { layer, chosen in
            let list = view.links(id, level: layer)
            // Safe: chosen <= m <= the list's slots on every layer.
            list[0] = UInt32(chosen)
            for j in 0..<chosen {
                // Safe: j < chosen; chosen ids are live nodes other than `id`, with level >= layer.
                let neighbor = buffers.chosen[j].id
                list[1 + j] = neighbor
                view.linkBack(S.self, from: neighbor, to: id, level: layer, limit: layer == 0 ? 2 * m : m,
                              scratch: buffers)
            }
        }
    }

    /// The links node `id` of `level` gets on each layer from `min(level, maxLevel)` down to 0:
    /// a search of width `efConstruction` from the closest node found so far (tombstones walked
    /// through, never linked to) and the heuristic's choice of `m` of the results, handed to
    /// `layerDone(layer, count)` in `buffers.chosen`, best first. `extra(layer, into)`, when
    /// given, adds candidates the graph cannot reach yet (a batch's other nodes) to the search's
    /// results before the choice, returning how many it wrote; the next layer's search still
    /// starts from the best node the search found. Reads the graph only (and `layerDone` must
    /// not change the layers below `layer`), so several nodes may choose at once on one graph,
    /// each with its own `buffers` (room for `efConstruction + 1` results plus the extras).
    func chooseLinks<S: HNSWScore>(_: S.Type, _ id: UInt32, level: Int, view: GraphView, buffers: LinkScratch,
                                   extra: ((_ layer: Int, _ into: UnsafeMutablePointer<ScoredID>) -> Int)? = nil,
                                   _ layerDone: (_ layer: Int, _ chosen: Int) -> Void) {
        let q = view.vector(id)
        var entry = entryPoint
        var entryScore = S.score(q, view.vector(entry), dimension)
        for upper in Swift.stride(from: maxLevel, to: level, by: -1) {
            (entry, entryScore) = view.greedyClosest(S.self, query: q, from: entry, score: entryScore, level: upper)
        }
        let scratch = takeScratch()
        defer { returnScratch(scratch) }
        var candidates = scratch.candidates, results = scratch.results
        defer { scratch.candidates = candidates; scratch.results = results }
        let liveOnly = tombstoneCount > 0
        for layer in Swift.stride(from: Swift.min(level, maxLevel), through: 0, by: -1) {
            let (visited, tag) = scratch.beginVisit(nodeCount: store.count)
            if liveOnly {
                view.searchLayer(S.self, query: q, entry: entry, entryScore: entryScore, ef: efConstruction,
                                 level: layer, gate: AcceptLive(view: view), visited: visited, tag: tag,
                                 candidates: &candidates, results: &results, touched: &scratch.touched)
            } else {
                view.searchLayer(S.self, query: q, entry: entry, entryScore: entryScore, ef: efConstruction,
                                 level: layer, gate: AcceptAll(), visited: visited, tag: tag,
                                 candidates: &candidates, results: &results, touched: &scratch.touched)
            }
            let found = results.count
            guard found > 0 else { continue }
            // Best first: pop the min-heap (worst on top) into the buffer from the back.
            var slot = found
            while results.count > 0 {
                slot -= 1
                // Safe: slot < found <= efConstruction + 1, the buffer's capacity.
                buffers.sorted[slot] = results.top
                results.popTop()
            }
            // The next layer starts from the best node found (the heuristic always keeps it).
            // Safe: found >= 1.
            (entry, entryScore) = (buffers.sorted[0].id, buffers.sorted[0].score)
            var count = found
            if let extra {
                count += extra(layer, buffers.sorted + found)
                GraphView.sortDescending(buffers.sorted, count: count)
            }
            let chosen = view.selectNeighbors(S.self, sorted: buffers.sorted, count: count, limit: m,
                                              into: buffers.chosen)
            layerDone(layer, chosen)
        }
    }
}

extension GraphView {
    /// hnswlib's `getNeighborsByHeuristic2` (the paper's SELECT-NEIGHBORS-HEURISTIC without
    /// extension or kept pruned links): walking `sorted` best first, keeps a candidate unless an
    /// already kept one is closer to it than the base is, until `limit` are kept; fewer than
    /// `limit` candidates are all kept. `sorted` holds `count` scores to the base, descending.
    /// Writes the kept ones, best first, to `chosen` (room for `limit`) and returns their number.
    func selectNeighbors<S: HNSWScore>(_: S.Type, sorted: UnsafeMutablePointer<ScoredID>, count: Int, limit: Int,
                                       into chosen: UnsafeMutablePointer<ScoredID>) -> Int {
        if count < limit {
            // Safe: chosen has room for limit > count elements; sorted holds count.
            chosen.update(from: sorted, count: count)
            return count
        }
        var kept = 0
        for i in 0..<count {
            if kept >= limit { break }
            // Safe: i < count.
            let candidate = sorted[i]
            let candidateVector = vector(candidate.id)
            var good = true
            var j = 0
            while good && j < kept {
                // Safe: every index read below is < kept <= limit.
                if kept &- j >= 4 {
                    let scores = S.score4(candidateVector, vector(chosen[j].id), vector(chosen[j &+ 1].id),
                                          vector(chosen[j &+ 2].id), vector(chosen[j &+ 3].id), dimension)
                    good = !any(scores .> SIMD4(repeating: candidate.score))
                    j &+= 4
                } else {
                    good = S.score(candidateVector, vector(chosen[j].id), dimension) <= candidate.score
                    j &+= 1
                }
            }
            if good {
                // Safe: kept < limit.
                chosen[kept] = candidate
                kept += 1
            }
        }
        return kept
    }

    /// Adds `target` to the list of `node` on `level`; when the list already holds `limit` ids,
    /// re-prunes the list plus `target` with the heuristic (hnswlib's `mutuallyConnectNewElement`).
    func linkBack<S: HNSWScore>(_: S.Type, from node: UInt32, to target: UInt32, level: Int, limit: Int,
                                scratch: LinkScratch) {
        let list = links(node, level: level)
        // Safe: list[0] is the count; slots 1...limit exist.
        let size = Int(list[0])
        if size < limit {
            list[1 + size] = target
            list[0] = UInt32(size + 1)
            return
        }
        let base = vector(node)
        // Safe: pruneIn holds 4m + 2 >= limit + 1 entries.
        scratch.pruneIn[0] = ScoredID(score: S.score(base, vector(target), dimension), id: target)
        score(S.self, base, ids: list + 1, count: size, into: scratch.pruneIn + 1)
        Self.sortDescending(scratch.pruneIn, count: size + 1)
        let kept = selectNeighbors(S.self, sorted: scratch.pruneIn, count: size + 1, limit: limit, into: scratch.pruneOut)
        for j in 0..<kept {
            // Safe: j < kept <= limit.
            list[1 + j] = scratch.pruneOut[j].id
        }
        list[0] = UInt32(kept)
    }

    /// Scores `base` against the `count` nodes at `ids` (four at a time), writing id and score
    /// to `into[0..<count]`.
    func score<S: HNSWScore>(_: S.Type, _ base: UnsafePointer<Float>, ids: UnsafePointer<UInt32>, count: Int,
                             into out: UnsafeMutablePointer<ScoredID>) {
        var j = 0
        // Safe (all reads and writes below): indices stay below count; ids are < the store's count.
        while j &+ 4 <= count {
            let scores = S.score4(base, vector(ids[j]), vector(ids[j &+ 1]), vector(ids[j &+ 2]), vector(ids[j &+ 3]),
                                  dimension)
            for lane in 0..<4 { out[j &+ lane] = ScoredID(score: scores[lane], id: ids[j &+ lane]) }
            j &+= 4
        }
        while j < count {
            out[j] = ScoredID(score: S.score(base, vector(ids[j]), dimension), id: ids[j])
            j &+= 1
        }
    }

    /// Insertion sort by score, greatest first (lists are at most a few dozen long).
    static func sortDescending(_ items: UnsafeMutablePointer<ScoredID>, count: Int) {
        guard count > 1 else { return }
        for i in 1..<count {
            // Safe: every index below is in 0..<count.
            let item = items[i]
            var j = i
            while j > 0 && items[j - 1].score < item.score {
                items[j] = items[j - 1]
                j -= 1
            }
            items[j] = item
        }
    }
}

/// Buffers for linking one node: the search results best first and the heuristic's choice
/// (`results` entries each), and a neighbour's list plus new candidates while it is re-pruned
/// (`4m + 2` entries each). Owned by one mutation; freed in `deinit`.
final class LinkScratch {
    let sorted: UnsafeMutablePointer<ScoredID>
    let chosen: UnsafeMutablePointer<ScoredID>
    let pruneIn: UnsafeMutablePointer<ScoredID>
    let pruneOut: UnsafeMutablePointer<ScoredID>

    init(results: Int, m: Int) {
        let size = Swift.max(results, 4 * m + 2)
        sorted = .allocate(capacity: size)
        chosen = .allocate(capacity: size)
        pruneIn = .allocate(capacity: 4 * m + 2)
        pruneOut = .allocate(capacity: 4 * m + 2)
    }

    deinit {
        // Safe: the buffers came from allocate, are owned by this object and freed once, here.
        sorted.deallocate()
        chosen.deallocate()
        pruneIn.deallocate()
        pruneOut.deallocate()
    }
}
