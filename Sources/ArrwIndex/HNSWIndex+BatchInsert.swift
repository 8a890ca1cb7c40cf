extension HNSWIndex {
    /// Runs `body(0..<iterations)` on as many threads as the caller has (e.g. Dispatch's
    /// `concurrentPerform`); every iteration must be run exactly once before it returns.
    public typealias ConcurrentLoop = @Sendable (_ iterations: Int, _ body: @Sendable (Int) -> Void) -> Void

    /// Adds `keys` (new keys; an existing one is replaced, as `add` does) with their vectors,
    /// in batches whose links are chosen in parallel against the graph as it stood before the
    /// batch: ParlayANN's deterministic batch insertion (Manohar et al., "ParlayANN", PPoPP
    /// 2024). Per batch: vectors appended and levels drawn in key order; a node above the
    /// graph's top layer linked alone (the only way the entry point moves); every other node's
    /// links chosen concurrently (`chooseLinks`, reading only the frozen graph, with the
    /// closest `2m` of the batch's other nodes as further candidates, since the graph cannot
    /// reach them yet); then, in input order, each node's lists written and the
    /// links back grouped by target and applied per target in input order, the targets
    /// concurrently. The graph depends on the input alone, never on the threads or their
    /// timing. Batches grow with the graph (at most its size, and 2 % of `keys` within 64…512),
    /// and the first `2 · efConstruction` nodes are inserted one by one.
    public func addBatch(keys: [UInt64], vectors: [[Float]], concurrently loop: ConcurrentLoop) {
        precondition(keys.count == vectors.count, "HNSWIndex.addBatch: \(keys.count) keys but \(vectors.count) vectors")
        var next = 0
        while next < keys.count {
            let size = Swift.min(keys.count - next, count, Swift.max(64, Swift.min(Self.largestBatch, keys.count / 50)))
            let range = next..<next + size
            if count < 2 * efConstruction || keys[range].contains(where: { ids[$0] != nil }) {
                add(key: keys[next], vector: vectors[next])
                next += 1
                continue
            }
            switch metric {
            case .cosine, .dot: insertBatch(DotProduct.self, keys[range], vectors[range], loop)
            case .l2: insertBatch(NegativeSquaredL2.self, keys[range], vectors[range], loop)
            }
            next += size
        }
    }

    /// The most nodes one batch inserts: each scores every other (`O(batch² · d)`).
    static let largestBatch = 512

    private func insertBatch<S: HNSWScore>(
        _: S.Type, _ keys: ArraySlice<UInt64>, _ vectors: ArraySlice<[Float]>, _ loop: ConcurrentLoop
    ) {
        store.reserve(store.count + keys.count)
        var pending: [(id: UInt32, level: Int)] = []
        for (key, vector) in zip(keys, vectors) {
            let level = randomLevel()
            let id = storableVector(vector).withUnsafeBufferPointer { store.append(key: key, vector: $0.baseAddress!, level: level) }
            ids[key] = id
            if level > maxLevel {
                connect(S.self, id, level: level)
                entryPoint = id
                maxLevel = level
            } else {
                pending.append((id, level))
            }
        }
        // Every append is done, so the view's pointers stay valid while threads read them.
        let view = SharedGraphView(view: store.view)
        let shared = SharedIndex(index: self)
        let nodes = pending
        let chosen = LinkChoices(count: nodes.count)
        let threads = Swift.min(nodes.count, 64)
        loop(threads) { thread in
            let index = shared.index
            let graph = view.view
            let mateLimit = 2 * index.m
            let buffers = LinkScratch(results: index.efConstruction + 1 + mateLimit, m: index.m)
            var mateScores: [ScoredID] = []
            mateScores.reserveCapacity(mateLimit + 1)
            for position in Swift.stride(from: thread, to: nodes.count, by: threads) {
                let (id, level) = nodes[position]
                var layers = [[ScoredID]](repeating: [], count: Swift.min(level, index.maxLevel) + 1)
                // The closest `2m` of the batch's other nodes on this layer, which the frozen
                // graph cannot reach (ties to the smaller id).
                let mates: (Int, UnsafeMutablePointer<ScoredID>) -> Int = { layer, into in
                    // The best `mateLimit` so far, best first (insertion into a short list).
                    mateScores.removeAll(keepingCapacity: true)
                    for mate in nodes where mate.id != id && mate.level >= layer {
                        let scored = ScoredID(score: S.score(graph.vector(id), graph.vector(mate.id), index.dimension), id: mate.id)
                        if mateScores.count == mateLimit, let last = mateScores.last, !scored.ranksBefore(last) { continue }
                        var position = mateScores.count
                        while position > 0 && scored.ranksBefore(mateScores[position - 1]) { position -= 1 }
                        mateScores.insert(scored, at: position)
                        if mateScores.count > mateLimit { mateScores.removeLast() }
                    }
                    for (j, mate) in mateScores.enumerated() { into[j] = mate }
                    return mateScores.count
                }
                index.chooseLinks(S.self, id, level: level, view: graph, buffers: buffers, extra: mates) { layer, count in
                    // Safe: count <= m, the buffer's capacity.
                    layers[layer] = Array(UnsafeBufferPointer(start: buffers.chosen, count: count))
                }
                chosen.set(position, layers)
            }
        }
        // Each node's own lists, then the links back, grouped by (layer, target) in input order.
        var backLinks: [(layer: Int, target: UInt32, source: UInt32)] = []
        for (position, node) in pending.enumerated() {
            for (layer, links) in chosen.get(position).enumerated() {
                let list = view.view.links(node.id, level: layer)
                // Safe: links.count <= m <= the list's slots on every layer.
                list[0] = UInt32(links.count)
                for (j, link) in links.enumerated() {
                    list[1 + j] = link.id
                    backLinks.append((layer, link.id, node.id))
                }
            }
        }
        guard !backLinks.isEmpty else { return }
        backLinks.sort { ($0.layer, $0.target, $0.source) < ($1.layer, $1.target, $1.source) }
        var groups: [Range<Int>] = []
        var start = 0
        for index in 1...backLinks.count where index == backLinks.count
            || (backLinks[index].layer, backLinks[index].target) != (backLinks[start].layer, backLinks[start].target) {
            groups.append(start..<index)
            start = index
        }
        let edges = backLinks
        let targets = groups
        let m = self.m
        let groupThreads = Swift.max(1, Swift.min(targets.count, 64))
        loop(groupThreads) { thread in
            let buffers = LinkScratch(results: 1, m: m)
            for group in Swift.stride(from: thread, to: targets.count, by: groupThreads) {
                for edge in edges[targets[group]] {
                    // One target's list per group: no two threads write the same list.
                    view.view.linkBack(S.self, from: edge.target, to: edge.source, level: edge.layer,
                                       limit: edge.layer == 0 ? 2 * m : m, scratch: buffers)
                }
            }
        }
    }
}

/// The index shared by the threads of one batch. Unchecked: they only call `chooseLinks`, which
/// reads the graph (and takes search scratch from the mutex-guarded pool), while the caller waits.
struct SharedIndex: @unchecked Sendable {
    let index: HNSWIndex
}

/// The graph's view shared by the threads of one batch. Unchecked: during the choosing phase
/// they only read it; during the linking phase each writes the lists of its own targets only.
struct SharedGraphView: @unchecked Sendable {
    let view: GraphView
}

/// Each pending node's chosen links per layer, written by the thread that chose them (one slot
/// each) and read after every thread is done. Unchecked: slots are disjoint, and the loop's
/// completion orders the writes before the reads.
final class LinkChoices: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<[[ScoredID]]>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: Swift.max(count, 1))
        slots.initialize(repeating: [], count: count)
    }

    deinit {
        // Safe: count slots were initialized in init; the buffer is owned here alone.
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func set(_ position: Int, _ layers: [[ScoredID]]) { slots[position] = layers }
    func get(_ position: Int) -> [[ScoredID]] { slots[position] }
}

extension ScoredID {
    /// Greater score first, then the smaller id: a total order, so choices never depend on
    /// the order candidates were seen in.
    func ranksBefore(_ other: ScoredID) -> Bool {
        score != other.score ? score > other.score : id < other.id
    }
}
