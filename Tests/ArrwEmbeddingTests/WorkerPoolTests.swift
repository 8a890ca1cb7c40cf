@testable import ArrwEmbedding
import Synchronization
import Testing

/// The encoder's spinning worker team runs every worker of every region exactly once, whether
/// regions follow each other closely, ask for more workers than it has threads, come from
/// several callers at once (one runs on the team, the others alone), or follow a rest.
@Suite struct WorkerPoolTests {
    @Test("every worker of every region runs exactly once", arguments: [1, 2, 3])
    func everyWorkerOnce(threads: Int) async {
        let pool = WorkerPool(threads: threads)
        let counts = Mutex([Int](repeating: 0, count: 5))
        for region in 0..<2000 {
            pool.run(region % 5 + 1) { worker in counts.withLock { $0[worker] += 1 } }
            if region % 100 == 99 { pool.rest() }
        }
        #expect(counts.withLock { $0 } == [2000, 1600, 1200, 800, 400])
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
