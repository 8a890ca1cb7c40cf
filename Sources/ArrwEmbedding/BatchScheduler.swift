import Dispatch
import Synchronization

/// Coalesces concurrent encode requests into shared forward passes without making a lone
/// request wait.
///
/// One worker (a serial dispatch queue, off Swift's cooperative pool) runs forward passes. A
/// request arriving while the worker is idle starts it at once; requests arriving while a pass
/// runs queue up and are taken together by the next pass, sorted by length and cut into batches
/// of at most `maxBatchTokens` tokens. Invariant: every submitted request is answered exactly once.
final class BatchScheduler: Sendable {
    private struct Job {
        var sequences: [[Int32]]
        var continuation: CheckedContinuation<[[Float]], Never>
    }

    private struct State {
        var pending: [Job] = []
        var running = false
    }

    private let encoder: BertEncoder
    private let maxBatchTokens: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "arrwdb.embedding")

    init(encoder: BertEncoder, maxBatchTokens: Int) {
        self.encoder = encoder
        self.maxBatchTokens = max(encoder.configuration.maxPositions, maxBatchTokens)
    }

    func encode(_ sequences: [[Int32]]) async -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let start = state.withLock { state in
                state.pending.append(Job(sequences: sequences, continuation: continuation))
                defer { state.running = true }
                return !state.running
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Runs passes until nothing is pending.
    private func drain() {
        while true {
            let jobs: [Job] = state.withLock { state in
                let taken = state.pending
                state.pending = []
                if taken.isEmpty { state.running = false }
                return taken
            }
            if jobs.isEmpty { return }
            run(jobs)
        }
    }

    private func run(_ jobs: [Job]) {
        var items: [(job: Int, index: Int, ids: [Int32])] = []
        for (job, request) in jobs.enumerated() {
            for (index, ids) in request.sequences.enumerated() { items.append((job, index, ids)) }
        }
        items.sort { $0.ids.count < $1.ids.count }
        var results = jobs.map { [[Float]](repeating: [], count: $0.sequences.count) }
        var start = 0
        while start < items.count {
            var end = start
            var tokens = 0
            while end < items.count && (end == start || tokens + items[end].ids.count <= maxBatchTokens) {
                tokens += items[end].ids.count
                end += 1
            }
            let vectors = encoder.encode(items[start..<end].map(\.ids))
            for (item, vector) in zip(items[start..<end], vectors) { results[item.job][item.index] = vector }
            start = end
        }
        for (job, result) in zip(jobs, results) { job.continuation.resume(returning: result) }
    }
}
