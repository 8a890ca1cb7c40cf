import ArrwIndex
import Foundation
import Synchronization

/// The fresh tail: how a write is searchable the moment it is acknowledged, before the index
/// has it. A write puts its vectors in `tail` (a brute-force index) under the write lock; every
/// search scans the tail exactly, with its filter, and merges that with the index's answer, so
/// read-your-writes and the exact-k guarantee hold whatever the builder has done. The background
/// builder (`IndexBuilder`) calls `absorbTail` to move the newest rows into the index, in
/// parallel batches for HNSW (`HNSWIndex.beginBatch`): phase 1 (appending) and phase 3
/// (linking) under the write lock, phase 2 (choosing links, the long part) under `graphLock`
/// alone, so writes and searches go on meanwhile. Between phases a batch's keys are in both the
/// index (stored, unreachable) and the tail; merging drops the duplicates, and a removal
/// removes a key from both.
extension LibraryStore {
    /// The stored vector of `key` (unit length for cosine), wherever it is. Under the read lock.
    func storedVector(_ key: UInt64) -> [Float]? {
        index?.vector(for: key) ?? tail?.vector(for: key)
    }

    /// `found` (the index's answer for `query`) merged with the tail's `k` nearest keys that
    /// `allow` passes: the `k` best of both, nearest first, each key once. Under the read lock.
    func mergingTail(_ found: [Neighbor], query: [Float], k: Int, allow: ((UInt64) -> Bool)?) -> [Neighbor] {
        guard let tail, tail.count > 0 else { return found }
        return Self.merge(found, tail.search(query: query, k: k, filter: allow), k: k)
    }

    /// The exact `k` nearest to `query` among `candidates`, from the index and the tail.
    /// Under the read lock.
    func exactSearchLocked(query: [Float], k: Int, among candidates: [UInt64]) -> [Neighbor] {
        guard let index, k > 0, !candidates.isEmpty else { return [] }
        let found = index.exactSearch(query: query, k: k, among: candidates)
        guard let tail, tail.count > 0 else { return found }
        return Self.merge(found, tail.exactSearch(query: query, k: k, among: candidates), k: k)
    }

    /// The `k` best of two answers, nearest first, a key in both counted once.
    static func merge(_ first: [Neighbor], _ second: [Neighbor], k: Int) -> [Neighbor] {
        guard !second.isEmpty else { return first }
        var seen = Set(first.map(\.key))
        var all = first
        for neighbor in second where seen.insert(neighbor.key).inserted { all.append(neighbor) }
        all.sort { $0.ranksBefore($1) }
        return Array(all.prefix(k))
    }
}

extension LibraryStore {
    /// Rows moved at once into an index that takes them one by one (every type but a large
    /// enough HNSW graph), per write-lock hold.
    static let serialAbsorbLimit = 256

    /// One step of the background builder: moves the newest rows of the tail into the index
    /// (an HNSW batch, in the three phases described above, or up to `serialAbsorbLimit` rows
    /// one by one). While `writesArriving`, a batch spares the writers a core, unless they wait
    /// for the builder anyway. Returns how many it moved (0: nothing to do, or the index was
    /// swapped meanwhile and the batch dropped).
    func absorbTail(threads: BuilderThreads, writesArriving: Bool) -> Int {
        enum Step {
            case moved(Int)
            case batch(HNSWIndex, HNSWBatch)
        }
        // Most rounds find most tails empty: that answer needs no write lock.
        guard lock.withReadLock({ !isDeleted && (tail?.count ?? 0) > 0 }) else { return 0 }
        let started = Date()
        let step: Step = lock.withWriteLock {
            guard !isDeleted, let index, let tail, tail.count > 0 else { return .moved(0) }
            if let graph = index as? HNSWIndex, case let capacity = graph.batchCapacity(available: tail.count), capacity > 0 {
                let keys = tail.newestKeys(upTo: capacity)
                if let batch = graph.beginBatch(keys: keys[...], storedVectors: keys.map { tail.vector(for: $0)! }[...]) {
                    return .batch(graph, batch)
                }
            }
            let keys = tail.newestKeys(upTo: Self.serialAbsorbLimit)
            for key in keys.reversed() {
                index.add(key: key, storedVector: tail.vector(for: key)!)
                tail.remove(key: key)
            }
            return .moved(keys.count)
        }
        let moved: Int
        switch step {
        case .moved(let count):
            moved = count
        case .batch(let graph, let batch):
            let loop = threads.loop(sparingACore: writesArriving && !tailWaiters.hasWaiters)
            graphLock.withLock { graph.chooseLinks(for: batch, concurrently: loop) }
            moved = lock.withWriteLock {
                guard index === graph else { return 0 }
                graph.finishBatch(batch, concurrently: loop)
                for key in batch.keys.reversed() { tail?.remove(key: key) }
                return batch.keys.count
            }
        }
        if moved > 0 {
            buildRate.withLock { $0.note(moved, from: started, to: Date()) }
            tailWaiters.resumeAll()
        }
        return moved
    }

    /// Returns once the tail holds fewer than `limit` vectors (at once when it does): a writer's
    /// backpressure, so a tail the builder cannot keep up with stops growing. A deleted library
    /// lets its writers through (their write then fails).
    func waitForTailRoom(limit: Int) async {
        let hasRoom = { [self] in lock.withReadLock { isDeleted || (tail?.count ?? 0) < limit } }
        // The usual case answers without suspending the writer.
        if hasRoom() { return }
        while true {
            let admitted: Bool = await withCheckedContinuation { continuation in
                tailWaiters.add(continuation, hasRoom: hasRoom)
            }
            if admitted { return }
        }
    }
}

/// Writers waiting for room in a library's tail. `add` checks the condition and registers under
/// one mutex, and `resumeAll` takes the same mutex after the tail shrank, so no wake-up is lost.
final class TailWaiters: Sendable {
    private let waiting = Mutex<[CheckedContinuation<Bool, Never>]>([])

    /// Resumes `continuation` with true at once when `hasRoom()`, else with false at the next
    /// `resumeAll` (the writer then checks again).
    func add(_ continuation: CheckedContinuation<Bool, Never>, hasRoom: () -> Bool) {
        let now = waiting.withLock { waiting in
            if hasRoom() { return true }
            waiting.append(continuation)
            return false
        }
        if now { continuation.resume(returning: true) }
    }

    var hasWaiters: Bool { waiting.withLock { !$0.isEmpty } }

    func resumeAll() {
        let woken = waiting.withLock { waiting in
            defer { waiting.removeAll() }
            return waiting
        }
        for continuation in woken { continuation.resume(returning: false) }
    }
}

/// What the builder moved into a library's index lately: vectors per second of its work on the
/// library over the last `window` seconds.
struct IndexBuildRate {
    static let window = 10.0
    private var steps: [(end: Date, vectors: Int, seconds: Double)] = []

    mutating func note(_ vectors: Int, from start: Date, to end: Date) {
        steps.removeAll { end.timeIntervalSince($0.end) > Self.window }
        steps.append((end, vectors, end.timeIntervalSince(start)))
    }

    func perSecond(at date: Date) -> Double {
        let recent = steps.filter { date.timeIntervalSince($0.end) <= Self.window }
        let seconds = recent.reduce(0) { $0 + $1.seconds }
        return seconds > 0 ? Double(recent.reduce(0) { $0 + $1.vectors }) / seconds : 0
    }
}
