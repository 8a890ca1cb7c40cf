import ArrwIndex
import ArrwTestSupport
import Foundation
import Synchronization
import Testing

extension IndexConformanceTests {
    @Test("concurrent searches answer as serial ones", arguments: IndexKind.all, DistanceMetric.allCases)
    func concurrentSearchesAnswerAsSerialOnes(kind: IndexKind, metric: DistanceMetric) async {
        let (index, _) = filled(kind, metric: metric, count: 1000, dimension: 8)
        for key in stride(from: UInt64(3), to: 1000, by: 7) { index.remove(key: key) }
        var generator = SeededGenerator(seed: 36)
        let queries = randomVectors(count: 40, dimension: 8, using: &generator)
        let serial = queries.map { query in index.search(query: query, k: 10, filter: { $0 % 5 != 0 }) }
        #expect(await searchConcurrently(index, queries: queries, k: 10) == serial)
    }

    /// Four reader threads search while a writer thread adds 300 vectors, all through a
    /// reader–writer lock as the engine serves a library. Each reader's first search waits (up
    /// to 5 s) inside the shared lock for a second search to be in flight, so readers that truly
    /// share the lock must overlap; with an exclusive lock at most one search is ever in flight
    /// and the test fails. The writer starts once that first meeting is over, so a waiting
    /// writer (preferred by the lock) cannot keep the second reader out.
    @Test(arguments: IndexKind.all)
    func concurrentSearchesDuringInserts(kind: IndexKind) {
        let (index, vectors) = filled(kind, metric: .l2, count: 300)
        let locked = LockedIndex(index)
        var generator = SeededGenerator(seed: 99)
        let extra = randomVectors(count: 300, dimension: 16, using: &generator)
        let threads = DispatchGroup()
        func spawn(_ body: @escaping @Sendable () -> Void) {
            threads.enter()
            Thread { body(); threads.leave() }.start()
        }
        spawn {
            locked.awaitFirstMeeting()
            for (offset, vector) in extra.enumerated() { locked.add(key: UInt64(1000 + offset), vector: vector) }
        }
        for reader in 0..<4 {
            let queries = Array(vectors[(reader * 40)..<(reader * 40 + 40)])
            spawn {
                for (n, query) in queries.enumerated() { locked.search(query: query, k: 5, meetFirst: n == 0) }
            }
        }
        threads.wait()
        #expect(locked.mostSearchesAtOnce >= 2, "no two searches ever ran at once: readers do not share the lock")
        let results = locked.results
        #expect(results.count == 160)
        #expect(results.allSatisfy { $0.count == 5 && Set($0.map(\.key)).count == 5 })
        #expect(locked.count == 600)
    }
}

/// An index behind a ``ReaderWriterLock``: searches share it, adds take it alone. It records
/// every search's results and the most searches ever in flight at once.
private final class LockedIndex: @unchecked Sendable {
    private let lock = ReaderWriterLock()
    /// Only touched under `lock` (hence `@unchecked Sendable`).
    private let index: any VectorIndex
    private let inFlight = Atomic<Int>(0)
    private let most = Atomic<Int>(0)
    private let met = Atomic<Bool>(false)
    private let found = Mutex<[[Neighbor]]>([])

    init(_ index: any VectorIndex) {
        self.index = index
    }

    var mostSearchesAtOnce: Int { most.load(ordering: .sequentiallyConsistent) }
    var results: [[Neighbor]] { found.withLock { $0 } }
    var count: Int { lock.reading { index.count } }

    func add(key: UInt64, vector: [Float]) {
        lock.writing { index.add(key: key, vector: vector) }
    }

    /// One search under the shared lock. With `meetFirst`, it first waits (while the first
    /// meeting lasts, at most 5 s) until another search is in flight too.
    func search(query: [Float], k: Int, meetFirst: Bool) {
        let result = lock.reading {
            let now = inFlight.add(1, ordering: .sequentiallyConsistent).newValue
            most.max(now, ordering: .sequentiallyConsistent)
            defer { inFlight.subtract(1, ordering: .sequentiallyConsistent) }
            if meetFirst { meet() }
            return index.search(query: query, k: k, filter: nil)
        }
        found.withLock { $0.append(result) }
    }

    /// Blocks until the first meeting of two searches is over (or given up).
    func awaitFirstMeeting() {
        while !met.load(ordering: .sequentiallyConsistent) { Thread.sleep(forTimeInterval: 0.001) }
    }

    private func meet() {
        let deadline = ContinuousClock.now + .seconds(5)
        while inFlight.load(ordering: .sequentiallyConsistent) < 2 && !met.load(ordering: .sequentiallyConsistent)
                && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.0005)
        }
        met.store(true, ordering: .sequentiallyConsistent)
    }
}
