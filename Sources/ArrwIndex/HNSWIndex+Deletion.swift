import Synchronization

extension HNSWIndex {
    /// Tombstones `key`'s node: it is never returned again, but keeps its vector and its own
    /// links, so searches (and inserts) still walk through it. Each live out-neighbour that links
    /// back to it drops that link and, where the heuristic finds an uncovered direction, takes one
    /// of the deleted node's live neighbours instead (a local repair, like hnswlib's
    /// `updatePoint`, that keeps those regions connected once ``optimize()`` drops the node).
    /// Removing the last live key empties the graph and returns its memory.
    /// - Complexity: O(L · m² · d) for a node on L + 1 layers (at most `2m` neighbours per layer,
    ///   each scoring the deleted node's other neighbours and checking them against its list).
    @discardableResult
    public func remove(key: UInt64) -> Bool {
        guard let id = ids.removeValue(forKey: key) else { return false }
        store.setTombstone(id)
        tombstoneCount += 1
        if ids.isEmpty {
            resetGraph()
            return true
        }
        switch metric {
        case .cosine, .dot: repairNeighbours(DotProduct.self, of: id)
        case .l2: repairNeighbours(NegativeSquaredL2.self, of: id)
        }
        return true
    }

    private func repairNeighbours<S: HNSWScore>(_: S.Type, of deleted: UInt32) {
        let view = store.view
        let buffers = LinkScratch(results: 0, m: m)
        // Safe: deleted < store.count.
        let top = Int(view.levels[Int(deleted)])
        for level in 0...top {
            let limit = level == 0 ? 2 * m : m
            let deletedList = view.links(deleted, level: level)
            let deletedCount = Int(deletedList[0])
            for i in 0..<deletedCount {
                // Safe: i < deletedCount; ids in a list on `level` have level >= `level`.
                let node = deletedList[1 + i]
                guard !view.isTombstone(node) else { continue }
                view.replaceLink(S.self, in: node, dropping: deleted, candidates: deletedList, level: level,
                                 limit: limit, scratch: buffers)
            }
        }
    }

    /// Rebuilds the graph from the live nodes alone (insertion in id order, the index's own
    /// parameters), dropping every tombstone, and shrinks all storage to the live count.
    /// Without tombstones it does nothing.
    /// - Complexity: the cost of inserting every live node again.
    public func optimize() {
        guard tombstoneCount > 0 else { return }
        let rebuilt = HNSWIndex(dimension: dimension, metric: metric, m: m, efConstruction: efConstruction,
                                efSearch: efSearch)
        rebuilt.random = random
        rebuilt.reserveCapacity(ids.count)
        let view = store.view
        for id in 0..<UInt32(store.count) where !view.isTombstone(id) {
            // Safe: id < store.count; the vector is already in stored form.
            rebuilt.insert(key: view.keys[Int(id)], stored: view.vector(id))
        }
        store = rebuilt.store
        ids = rebuilt.ids
        entryPoint = rebuilt.entryPoint
        maxLevel = rebuilt.maxLevel
        tombstoneCount = 0
        generation += 1
        random = rebuilt.random
        scratchPool.withLock { $0.removeAll() }
    }
}

extension GraphView {
    /// Removes `dropped` from the list of `node` on `level` (if present) and offers the live ids
    /// of `candidates` (a list: count, then ids) in order of closeness to `node`, each taken while
    /// the list has room and no id already in it is closer to the candidate than `node` is.
    func replaceLink<S: HNSWScore>(_: S.Type, in node: UInt32, dropping dropped: UInt32,
                                   candidates: UnsafeMutablePointer<UInt32>, level: Int, limit: Int,
                                   scratch: LinkScratch) {
        let list = links(node, level: level)
        // Safe: list[0] is the count, followed by that many ids (at most limit).
        var size = Int(list[0])
        var position = 0
        for j in Swift.stride(from: 1, through: size, by: 1) where list[j] == dropped {
            position = j
            break
        }
        guard position > 0 else { return }
        list[position] = list[size]
        size -= 1
        list[0] = UInt32(size)
        let base = vector(node)
        var offered = 0
        // Safe: candidates[0] is the count of the ids that follow.
        for j in 0..<Int(candidates[0]) {
            let candidate = candidates[1 + j]
            if candidate == node || candidate == dropped || isTombstone(candidate) { continue }
            if (0..<size).contains(where: { list[1 + $0] == candidate }) { continue }
            // Safe: offered < candidates' count <= 2m < 4m + 2, pruneIn's capacity.
            scratch.pruneIn[offered] = ScoredID(score: S.score(base, vector(candidate), dimension), id: candidate)
            offered += 1
        }
        Self.sortDescending(scratch.pruneIn, count: offered)
        for j in 0..<offered where size < limit {
            // Safe: j < offered.
            let candidate = scratch.pruneIn[j]
            let candidateVector = vector(candidate.id)
            let covered = (0..<size).contains { S.score(vector(list[1 + $0]), candidateVector, dimension) > candidate.score }
            if covered { continue }
            // Safe: size < limit, so slot size + 1 exists.
            list[1 + size] = candidate.id
            size += 1
            list[0] = UInt32(size)
        }
    }
}
