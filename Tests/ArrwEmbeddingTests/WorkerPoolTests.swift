@testable import ArrwEmbedding
import Foundation
import Synchronization
import Testing

/// The encoder's worker team runs every worker of every region exactly once: regions back to
/// back (helpers still spinning), regions after a pause (helpers asleep and woken), a helper that
/// outlasts the caller's spin (the caller sleeps and is woken), more workers than threads, and
/// several callers at once (one runs on the team, the others alone).
@Suite struct WorkerPoolTests {
    @Test("every worker of every region runs exactly once", arguments: [1, 2, 3])
    func everyWorkerOnce(threads: Int) async throws {
        let pool = WorkerPool(threads: threads)
        #expect(pool.threads == threads)
        let counts = Mutex([Int](repeating: 0, count: 5))
        for region in 0..<2000 {
            pool.run(region % 5 + 1) { worker in counts.withLock { $0[worker] += 1 } }
            if region % 100 == 99 { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(counts.withLock { $0 } == [2000, 1600, 1200, 800, 400])
    }

    @Test("a helper runs its worker on its own thread, and a slow one is waited for")
    func helpersRunBesideTheCaller() {
        let pool = WorkerPool(threads: 2)
        let threads = Mutex([Int: pthread_t]())
        let finished = Atomic<Int>(0)
        pool.run(2) { worker in
            threads.withLock { $0[worker] = pthread_self() }
            if worker == 1 { usleep(20_000) }
            finished.add(1, ordering: .relaxed)
        }
        #expect(finished.load(ordering: .relaxed) == 2, "run returned only after the slow helper finished")
        let seen = threads.withLock { $0 }
        #expect(seen.count == 2 && pthread_equal(seen[0]!, pthread_self()) != 0 && pthread_equal(seen[1]!, pthread_self()) == 0)
    }

    @Test("splitting covers the range once, in contiguous parts")
    func splittingCoversTheRange() {
        let pool = WorkerPool(threads: 2)
        for (count, workers) in [(1, 2), (7, 2), (36, 3), (5, 8)] {
            let parts = Mutex([Range<Int>]())
            pool.run(splitting: count, workers: workers) { range in parts.withLock { $0.append(range) } }
            let sorted = parts.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
            #expect(sorted.flatMap { Array($0) } == Array(0..<count), "\(count) over \(workers)")
            #expect(sorted.count == min(count, workers))
        }
    }

    @Test("regions from several callers at once each complete, every worker once")
    func concurrentCallers() async {
        let pool = WorkerPool(threads: 2)
        let total = RegionCount()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<500 {
                        let seen = Mutex(Set<Int>())
                        pool.run(3) { worker in _ = seen.withLock { $0.insert(worker) } }
                        #expect(seen.withLock { $0 } == [0, 1, 2])
                        total.value.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(total.value.load(ordering: .relaxed) == 2000)
    }
}

/// Regions completed, shared by the callers of `concurrentCallers`.
final class RegionCount: Sendable {
    let value = Atomic<Int>(0)
}
