import ArrwIndex
import Foundation
import Synchronization

/// The background index builder of a database: one thread that moves every library's fresh
/// tail into its index (`LibraryStore.absorbTail`), a step per library in turn, while any tail
/// holds vectors. Writers call `noteWrite`, an index swap `wake`; it also looks every
/// `idleCheck` on its own, so a missed wake-up (a replay, a vector replacement) only delays it. Its threads run at a lowered priority
/// (`BuilderThreads`), so request handling goes first and the builder takes the idle CPU; while
/// writes arrive it leaves one core to them altogether.
///
/// `pause` waits for the step in flight and holds the builder until `resume` (a snapshot
/// encodes tails and indexes with no batch between its phases); `stop` ends it for good.
final class IndexBuilder: @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var hasWork = false
    private var paused = 0
    private var busy = false
    private var stopped = false
    /// The builder's thread, once started.
    private var thread: Thread?
    let threads: BuilderThreads
    /// When a writer last handed the builder work.
    private let writes = WriteActivity()

    /// How long the builder sleeps without a notification before it looks at the tails anyway.
    static let idleCheck = 1.0

    init(threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.threads = BuilderThreads(count: Swift.max(1, threads))
    }

    /// Starts the thread; `libraries()` gives the stores to look at in each round.
    func start(libraries: @escaping @Sendable () -> [LibraryStore]) {
        let thread = Thread { [self] in run(libraries) }
        thread.name = "arrwdb-index-builder"
        condition.withLock { self.thread = thread }
        thread.start()
    }

    /// Tells the builder a writer added to a tail: it looks at once, and for a moment spares
    /// the writers a core.
    func noteWrite() {
        writes.note()
        wake()
    }

    /// Tells the builder a tail may have grown (an index swapped in with a new tail).
    func wake() {
        condition.withLock {
            hasWork = true
            condition.signal()
        }
    }

    /// Waits for the step in flight, then holds the builder until as many `resume`s.
    func pause() {
        condition.withLock {
            paused += 1
            while busy { condition.wait() }
        }
    }

    func resume() {
        condition.withLock {
            paused -= 1
            condition.broadcast()
        }
    }

    /// Ends the builder once the step in flight is done, and waits for that (unless called on
    /// the builder's own thread, as the database's `deinit` can be when the builder held the
    /// last reference for a moment).
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
            guard Thread.current !== thread else { return }
            while busy { condition.wait() }
        }
    }

    private func run(_ libraries: @Sendable () -> [LibraryStore]) {
        BuilderThreads.lowerPriority()
        while true {
            let proceed: Bool = condition.withLock {
                while !stopped && (paused > 0 || !hasWork) {
                    if !condition.wait(until: Date().addingTimeInterval(Self.idleCheck)), paused == 0 { hasWork = true }
                }
                guard !stopped else { return false }
                hasWork = false
                busy = true
                return true
            }
            guard proceed else { return }
            var moved = 0
            for library in libraries() { moved += library.absorbTail(threads: threads, writesArriving: writes.isRecent) }
            condition.withLock {
                busy = false
                if moved > 0 { hasWork = true }
                condition.broadcast()
            }
        }
    }
}

/// A loop's body shared with its threads. Unchecked: `clear` runs only after every thread's
/// last `run` (the loop waits for them first).
private final class LoopBody: @unchecked Sendable {
    private var body: (@Sendable (Int) -> Void)?

    init(_ body: @escaping @Sendable (Int) -> Void) { self.body = body }

    func run(_ iteration: Int) { body!(iteration) }

    func clear() { body = nil }
}

/// The threads a batch's parallel phases run on: the builder's own and up to `count - 1` more,
/// each at nice `niceness`, so the builder takes the CPU that requests leave idle. While writes
/// arrive a phase can run on one thread fewer (`loop(sparingACore:)`): a lowered priority does
/// not stop a builder thread from sharing a core (and its caches) with the thread serving the
/// writer.
struct BuilderThreads: Sendable {
    let count: Int

    /// Linux's per-thread nice value of the builder's threads (request threads keep 0).
    static let niceness: Int32 = 10

    /// Lowers the calling thread's priority (on Linux, nice is per thread).
    static func lowerPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    /// Runs `body(0..<iterations)`, iteration `i` on thread `i % threads`, on every core, or on
    /// all but one with `sparingACore`.
    func loop(sparingACore: Bool) -> HNSWIndex.ConcurrentLoop {
        let threads = sparingACore ? count - 1 : count
        return { iterations, body in
            let workers = Swift.max(1, Swift.min(threads, iterations))
            // The threads reach `body` through a box emptied before this returns, so `body`
            // does not outlive the call (the threads may outlive it by a moment).
            withoutActuallyEscaping(body) { body in
                let work = LoopBody(body)
                let done = DispatchGroup()
                for worker in 1..<workers {
                    done.enter()
                    Thread {
                        BuilderThreads.lowerPriority()
                        for iteration in stride(from: worker, to: iterations, by: workers) { work.run(iteration) }
                        done.leave()
                    }.start()
                }
                for iteration in stride(from: 0, to: iterations, by: workers) { body(iteration) }
                done.wait()
                work.clear()
            }
        }
    }
}

/// When a writer last handed the builder work.
final class WriteActivity: Sendable {
    private let last = Atomic<UInt64>(0)

    /// How long after a write, in nanoseconds, the builder still counts writes as arriving.
    static let window: UInt64 = 200_000_000

    func note() {
        last.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    var isRecent: Bool {
        DispatchTime.now().uptimeNanoseconds &- last.load(ordering: .relaxed) < Self.window
    }
}
