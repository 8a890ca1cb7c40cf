import ArrwIndex
import Foundation

/// A build of a library's new index, pending from a logged change of `index_type` or
/// `index_params` (or an unlogged optimization, whose target is the current settings) until an
/// `index_rebuild` job drives it. Searches keep using the old index; once the build starts
/// (`collecting`), every change applied meanwhile is recorded in `pending` and replayed on the
/// new index just before it is swapped in, under the write lock, so no search ever sees a mix of
/// the two and no write is lost (vectors added meanwhile become the new index's fresh tail).
/// `pending` and `collecting` are guarded by the owning store's lock.
final class IndexRebuild: @unchecked Sendable {
    enum Change {
        case add(UInt64, [Float])
        case remove(UInt64)
    }

    let target: IndexSettings
    /// The time of the logged index change, which becomes the library's `updated_at` at the
    /// swap (not the clock then, so a rebuild replayed after a restart ends in the same state);
    /// nil for an optimization, which changes nothing a client sees.
    let requestedAt: Date?
    var collecting = false
    var pending: [Change] = []

    init(target: IndexSettings, requestedAt: Date?) {
        self.target = target
        self.requestedAt = requestedAt
    }

    func record(_ change: Change) {
        if collecting { pending.append(change) }
    }
}

/// What a finished index build did: the figures the `index_rebuild` and `index_optimize` jobs
/// (and the original arrwDB's `/index/rebuild` and `/index/optimize` routes) report.
public struct IndexBuildReport: Sendable, Equatable {
    public var oldSettings: IndexSettings
    public var newSettings: IndexSettings
    /// Vectors copied into the new index.
    public var vectors: Int
    /// Slots of removed vectors the old index still held and the new one does not.
    public var vectorsCompacted: Int
    /// The old index's memory less the new one's (0 when the new one is larger).
    public var memoryFreedBytes: Int
    public var seconds: Double
}

/// How a driven build ended.
public enum IndexBuildOutcome: Sendable, Equatable {
    /// The new index serves searches.
    case completed(IndexBuildReport)
    /// A later index change replaced this build's target before it was swapped in.
    case superseded
}

extension LibraryStore {
    /// Switches the library to `target`, logging the change. An empty library (no dimension
    /// yet), or a change of search-time parameters only (`ef_search`, `nprobe`, `probes`) while
    /// no build is pending, switches at once; otherwise a build becomes pending (a later call
    /// supersedes one not yet swapped in), to be driven by `buildPending`. Returns whether a
    /// build is pending and the change's sequence (nil when nothing changed).
    func changeIndex(to target: IndexSettings) throws -> (rebuilding: Bool, sequence: UInt64?) {
        try lock.withWriteLock {
            try checkLiveLocked()
            guard target != settings.index || rebuild != nil else { return (false, nil) }
            let now = Date()
            let sequence = try journal.append(.changeIndex(id: id, target: target, at: now))
            applyChangeIndexLocked(target, at: now, sequence: sequence)
            return (rebuild != nil, sequence)
        }
    }

    /// Applies a logged index change (a first write or a replay). Runs under the write lock.
    func applyChangeIndexLocked(_ target: IndexSettings, at date: Date, sequence: UInt64) {
        appliedThrough = sequence
        guard settings.dimension != nil, let index else {
            settings.index = target
            settings.updatedAt = date
            rebuild = nil
            return
        }
        if target == settings.index {
            rebuild = nil
            return
        }
        if rebuild == nil, target.differsOnlyInSearchParameters(from: settings.index) {
            graphLock.withLock { target.applySearchParameters(to: index) }
            settings.index = target
            settings.updatedAt = date
            return
        }
        rebuild = IndexRebuild(target: target, requestedAt: date)
    }

    /// Logs a change back to the serving index when a logged change waits for its build,
    /// which drops the build; returns the change's sequence (nil when none was pending).
    func abandonPendingBuild() throws -> UInt64? {
        try lock.withWriteLock {
            try checkLiveLocked()
            guard rebuild?.requestedAt != nil else { return nil }
            let now = Date()
            let sequence = try journal.append(.changeIndex(id: id, target: settings.index, at: now))
            applyChangeIndexLocked(settings.index, at: now, sequence: sequence)
            return sequence
        }
    }

    /// Whether a logged index change waits for its build.
    var hasPendingBuild: Bool { lock.withReadLock { rebuild?.requestedAt != nil } }

    /// Builds the pending index (or, with `optimizeIfIdle` and none pending, the current
    /// settings afresh: tombstones dropped, IVF retrained, the others compacted) in the calling
    /// task, then swaps it in. Vectors are copied in slices under the read lock, so searches and
    /// writes go on; `progress(done, total)` runs between slices and may throw to abandon the
    /// build (the old index keeps serving; a logged change stays pending). Returns nil when there
    /// was nothing to build.
    ///
    /// `replacing` gives new vectors for some chunk keys (a `regenerate_embeddings` job) and
    /// `logSwap` logs that change under the write lock just before the swap, given the
    /// replacements still stored; a failure to log abandons the build. Such a build does not
    /// start while a logged index change waits (nil: build that first).
    func buildPending(
        optimizeIfIdle: Bool, replacing: [UInt64: [Float]] = [:],
        logSwap: (([(UInt64, [Float])]) throws -> UInt64)? = nil,
        progress: (Int, Int) async throws -> Void
    ) async throws -> IndexBuildOutcome? {
        let started = Date()
        let begun: (IndexRebuild, [UInt64], Int, DistanceMetric, any VectorIndex, IndexSettings)? = try lock.withWriteLock {
            try checkLiveLocked()
            guard let dimension = settings.dimension, let index else { return nil }
            // New vectors go into the serving index's type only: a logged change builds first.
            if logSwap != nil, rebuild?.requestedAt != nil { return nil }
            if rebuild == nil, optimizeIfIdle { rebuild = IndexRebuild(target: settings.index, requestedAt: nil) }
            guard let job = rebuild else { return nil }
            job.collecting = true
            job.pending = []
            return (job, chunks.keys.sorted(), dimension, settings.metric, index, settings.index)
        }
        guard let (job, keys, dimension, metric, old, oldSettings) = begun else { return nil }
        let fresh = job.target.makeIndex(dimension: dimension, metric: metric)
        let slice = 1024
        do {
            for start in stride(from: 0, to: keys.count, by: slice) {
                let vectors: [(UInt64, [Float])]? = lock.withReadLock {
                    guard rebuild === job else { return nil }
                    return keys[start..<min(start + slice, keys.count)].compactMap { key in
                        (replacing[key] ?? storedVector(key)).map { (key, $0) }
                    }
                }
                guard let vectors else { return .superseded }
                for (key, vector) in vectors { fresh.add(key: key, vector: vector) }
                try await progress(min(start + slice, keys.count), keys.count)
            }
        } catch {
            lock.withWriteLock {
                guard rebuild === job else { return }
                if job.requestedAt == nil { rebuild = nil } else { (job.collecting, job.pending) = (false, []) }
            }
            throw error
        }
        if job.requestedAt == nil, job.target.type != .hnsw { fresh.optimize() }
        let oldMemory = lock.withReadLock { old.memoryBytes }
        let swapped: Bool = try lock.withWriteLock {
            guard rebuild === job else { return false }
            if let logSwap {
                let stored = keys.filter { replacing[$0] != nil && chunks[$0] != nil }.map { ($0, replacing[$0]!) }
                do {
                    appliedThrough = try logSwap(stored)
                } catch {
                    rebuild = nil
                    throw error
                }
            }
            // Vectors written since the build began go to a new tail, for the builder.
            let freshTail = BruteForceIndex(dimension: dimension, metric: metric)
            for change in job.pending {
                switch change {
                case .add(let key, let vector): freshTail.add(key: key, vector: vector)
                case .remove(let key): if !freshTail.remove(key: key) { fresh.remove(key: key) }
                }
            }
            index = fresh
            tail = freshTail
            settings.index = job.target
            if let requestedAt = job.requestedAt { settings.updatedAt = requestedAt }
            rebuild = nil
            return true
        }
        guard swapped else { return .superseded }
        let (newMemory, count) = lock.withReadLock { (fresh.memoryBytes, fresh.count) }
        return .completed(IndexBuildReport(
            oldSettings: oldSettings, newSettings: job.target, vectors: count, vectorsCompacted: old.reclaimableCount,
            memoryFreedBytes: max(0, oldMemory - newMemory), seconds: Date().timeIntervalSince(started)))
    }
}
