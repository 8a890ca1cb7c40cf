import CArrwKernels

/// The encoder's threads: `threads - 1` helpers that, between the parallel regions of a forward
/// pass, spin instead of sleeping (`arrw_pool_*` in the C kernels), so a region starts without
/// waking a thread, and sleep once the pass ends (`rest`). `DispatchQueue.concurrentPerform` woke its workers for every region,
/// which made a short query slower on two threads than on one.
///
/// One region runs at a time; a caller that finds the team busy runs its workers itself.
final class WorkerPool: @unchecked Sendable {
    /// Safe to share: the C pool serializes regions itself and is freed only in `deinit`.
    private let pool: OpaquePointer?
    let threads: Int

    init(threads: Int) {
        self.threads = max(1, threads)
        pool = self.threads > 1 ? arrw_pool_create(Int32(self.threads - 1)) : nil
    }

    deinit {
        if let pool { arrw_pool_destroy(pool) }
    }

    /// Ends a pass: the helpers sleep until the next region instead of spinning for it.
    func rest() {
        if let pool { arrw_pool_rest(pool) }
    }

    /// Runs `body(worker)` for every worker in `0..<workers`, on the calling thread and the
    /// helpers, and returns when all have.
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
}
