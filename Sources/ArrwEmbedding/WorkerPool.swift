import CArrwKernels

/// The encoder's threads: the caller plus `threads - 1` helpers (`arrw_pool_*` in the C kernels).
/// A thread waiting for the next region, or for the others to finish one, spins for at most
/// 50 µs before it sleeps, so the ~30 regions of a forward pass start without waking a thread
/// (`DispatchQueue.concurrentPerform` woke its workers for each, which made a short query slower
/// on two threads than on one), while between passes no core is kept spinning.
///
/// One region runs at a time; a caller that finds the team busy runs its region's workers itself.
final class WorkerPool: @unchecked Sendable {
    /// Safe to share: the C pool serializes regions itself and is freed only in `deinit`.
    private let pool: OpaquePointer?
    /// The calling thread plus the helpers the pool could start.
    let threads: Int

    init(threads: Int) {
        pool = threads > 1 ? arrw_pool_create(Int32(threads - 1)) : nil
        self.threads = pool.map { Int(arrw_pool_threads($0)) } ?? 1
    }

    deinit {
        if let pool { arrw_pool_destroy(pool) }
    }

    /// Runs `body(worker)` for every worker in `0..<workers` (0 on the calling thread) and
    /// returns when all have.
    func run(_ workers: Int, _ body: @Sendable (Int) -> Void) {
        guard workers > 1, let pool else {
            for worker in 0..<max(1, workers) { body(worker) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var region = body
            withUnsafeMutablePointer(to: &region) { pointer in
                arrw_pool_run(pool, Int32(workers), { context, worker in
                    context!.assumingMemoryBound(to: (@Sendable (Int) -> Void).self).pointee(Int(worker))
                }, pointer)
            }
        }
    }

    /// Runs `body(range)` over `0..<count` cut into `workers` contiguous ranges, one per worker.
    func run(splitting count: Int, workers: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = max(1, min(workers, count))
        run(workers) { worker in
            let range = count * worker / workers..<count * (worker + 1) / workers
            if !range.isEmpty { body(range) }
        }
    }
}
