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
            let size = Swift.min(keys.count - next, Swift.max(64, Swift.min(Self.largestBatch, keys.count / 50)))
            let range = next..<next + size
            if batchCapacity(available: size) > 0,
               let batch = beginBatch(keys: keys[range], storedVectors: vectors[range].map(storableVector)[...]) {
                chooseLinks(for: batch, concurrently: loop)
                finishBatch(batch, concurrently: loop)
                next += batch.keys.count
            } else {
                add(key: keys[next], vector: vectors[next])
                next += 1
            }
        }
    }

    /// The most nodes one batch inserts: each scores every other (`O(batch² · d)`).
    public static let largestBatch = 512

    /// How many of `available` new vectors ``beginBatch(keys:storedVectors:)`` would take as one
    /// batch now, or 0 while the graph is too small for batches (fewer than `2 · efConstruction`
    /// nodes: insert those one by one with `add`). A batch is at most ``largestBatch`` and at
    /// most the graph's size, so most of a node's candidates are already linked.
    public func batchCapacity(available: Int) -> Int {
        count < 2 * efConstruction ? 0 : Swift.min(available, count, Self.largestBatch)
    }

    /// Phase 1 of a batch insertion (a mutation: no reads may run meanwhile): appends the first
    /// ``batchCapacity(available:)`` of `keys` (new keys) with their vectors, already in stored
    /// form and kept bit for bit (as `add(key:storedVector:)` keeps them), and draws their
    /// levels in order; a node above the graph's top layer is linked at once, alone (the only
    /// way the entry point moves). The others are stored but unreachable until
    /// ``finishBatch(_:concurrently:)``. Returns nil, appending nothing, when the graph is too
    /// small for batches or a key is already stored (then `add` them one by one).
    ///
    /// Between the phases the caller may run searches, `contains`, `vector(for:)` and
    /// `remove` (removing a batch node tombstones it; its links are still written). Phase 2 is
    /// a read and may run alongside searches; phases 1 and 3 and every other mutation must
    /// not overlap any read.
    public func beginBatch(keys: ArraySlice<UInt64>, storedVectors vectors: ArraySlice<[Float]>) -> HNSWBatch? {
        precondition(keys.count == vectors.count, "HNSWIndex.beginBatch: \(keys.count) keys but \(vectors.count) vectors")
        let size = batchCapacity(available: keys.count)
        guard size > 0, !ids.isEmpty else { return nil }
        let taken = keys.prefix(size)
        guard !taken.contains(where: { ids[$0] != nil }) else { return nil }
        // Grown by half at least, as appends grow it: an exact fit would copy every node each batch.
        if store.count + size > store.capacity {
            store.reserve(Swift.max(store.count + size, store.capacity + store.capacity / 2))
        }
        var pending: [(id: UInt32, level: Int)] = []
        for (key, vector) in zip(taken, vectors.prefix(size)) {
            let level = randomLevel()
            checkStored(vector)
            let id = vector.withUnsafeBufferPointer { store.append(key: key, vector: $0.baseAddress!, level: level) }
            ids[key] = id
            if level > maxLevel {
                switch metric {
                case .cosine, .dot: connect(DotProduct.self, id, level: level)
                case .l2: connect(NegativeSquaredL2.self, id, level: level)
                }
                entryPoint = id
                maxLevel = level
            } else {
                pending.append((id, level))
            }
        }
        return HNSWBatch(keys: Array(taken), nodes: pending, generation: generation)
    }

    /// Phase 2: chooses every pending node's links concurrently (`chooseLinks`, reading only
    /// the graph as phase 1 left it, with the closest `2m` of the batch's other nodes as further
    /// candidates, since the graph cannot reach them yet). Writes nothing the graph's readers
    /// see, so searches may run alongside it; no mutation may.
    public func chooseLinks(for batch: HNSWBatch, concurrently loop: ConcurrentLoop) {
        guard batch.generation == generation, !batch.nodes.isEmpty else { return }
        switch metric {
        case .cosine, .dot: chooseBatchLinks(DotProduct.self, batch, loop)
        case .l2: chooseBatchLinks(NegativeSquaredL2.self, batch, loop)
        }
    }

    /// Phase 3 (a mutation): writes each pending node's lists, then the links back, grouped by
    /// (layer, target) in input order and applied per target in input order, the targets
    /// concurrently. The graph depends on the input alone, never on the threads or their timing.
    /// A batch whose nodes the graph dropped meanwhile (every key removed: `generation` moved)
    /// is left alone; its keys are no longer stored.
    public func finishBatch(_ batch: HNSWBatch, concurrently loop: ConcurrentLoop) {
        guard batch.generation == generation, let chosen = batch.choices else { return }
        switch metric {
        case .cosine, .dot: linkBatch(DotProduct.self, batch.nodes, chosen, loop)
        case .l2: linkBatch(NegativeSquaredL2.self, batch.nodes, chosen, loop)
        }
    }

    private func chooseBatchLinks<S: HNSWScore>(_: S.Type, _ batch: HNSWBatch, _ loop: ConcurrentLoop) {
        // Every append is done, so the view's pointers stay valid while threads read them.
        let view = SharedGraphView(view: store.view)
        let shared = SharedIndex(index: self)
        let nodes = batch.nodes
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
        batch.choices = chosen
    }

    private func linkBatch<S: HNSWScore>(
        _: S.Type, _ pending: [(id: UInt32, level: Int)], _ chosen: LinkChoices, _ loop: ConcurrentLoop
    ) {
        let view = SharedGraphView(view: store.view)
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

/// A batch of nodes between the phases of a batch insertion (``HNSWIndex/beginBatch(keys:storedVectors:)``):
/// stored in the graph, not yet linked. Unchecked: its owner runs the phases one after another
/// (`choices` is written by phase 2 and read by phase 3, which the owner orders).
public final class HNSWBatch: @unchecked Sendable {
    /// Every key the batch took, in input order (those linked at once in phase 1 included).
    public let keys: [UInt64]
    /// The nodes still to link, in input order.
    let nodes: [(id: UInt32, level: Int)]
    /// The index's `generation` when the batch began.
    let generation: Int
    /// The links phase 2 chose (nil until it ran).
    var choices: LinkChoices?

    init(keys: [UInt64], nodes: [(id: UInt32, level: Int)], generation: Int) {
        self.keys = keys
        self.nodes = nodes
        self.generation = generation
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
