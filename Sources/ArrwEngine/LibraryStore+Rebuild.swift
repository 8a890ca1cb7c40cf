import ArrwIndex
import Dispatch
import Foundation

/// A background build of a library's new index, started by a change of `index_type` or
/// `index_params`. Searches keep using the old index; every change applied meanwhile is
/// recorded in `pending` and replayed on the new index just before it is swapped in, under the
/// write lock, so no search ever sees a mix of the two and no write is lost.
/// `pending` is guarded by the owning store's lock.
final class IndexRebuild: @unchecked Sendable {
    enum Change {
        case add(UInt64, [Float])
        case remove(UInt64)
    }

    let target: IndexSettings
    /// The time of the logged index change, which becomes the library's `updated_at` at the
    /// swap (not the clock then, so a rebuild replayed after a restart ends in the same state).
    let requestedAt: Date
    var pending: [Change] = []

    init(target: IndexSettings, requestedAt: Date) {
        self.target = target
        self.requestedAt = requestedAt
    }
}

/// What a background build starts from: the chunk keys to copy, in insertion (key) order so
/// that a graph built again by replay is the graph built the first time, and the build's identity.
struct RebuildStart {
    var keys: [UInt64]
    var rebuild: IndexRebuild
    var dimension: Int
    var metric: DistanceMetric
}

extension LibraryStore {
    /// Switches the library to `target`, logging the change. An empty library (no dimension
    /// yet), or a change of search-time parameters only (`ef_search`, `nprobe`, `probes`) while
    /// no build runs, switches at once; otherwise the new index is built in the background and
    /// swapped in when complete (a later call supersedes a build still running). Returns whether a
    /// background build started and the change's sequence (nil when nothing changed).
    /// `completion` runs once the switch is done, or the build was superseded.
    @discardableResult
    func changeIndex(to target: IndexSettings, completion: (@Sendable () -> Void)? = nil) throws -> (rebuilding: Bool, sequence: UInt64?) {
        let (start, sequence) = try lock.withWriteLock { () -> (RebuildStart?, UInt64?) in
            try checkLiveLocked()
            guard target != settings.index || rebuild != nil else { return (nil, nil) }
            let now = Date()
            let sequence = try journal.append(.changeIndex(id: id, target: target, at: now))
            return (applyChangeIndexLocked(target, at: now, sequence: sequence), sequence)
        }
        guard let start else {
            completion?()
            return (false, sequence)
        }
        startBuild(start, completion: completion)
        return (true, sequence)
    }

    /// Applies a logged index change (a first write or a replay) and returns the background
    /// build to start, if one is needed. Runs under the write lock.
    func applyChangeIndexLocked(_ target: IndexSettings, at date: Date, sequence: UInt64) -> RebuildStart? {
        appliedThrough = sequence
        guard let dimension = settings.dimension, index != nil else {
            settings.index = target
            settings.updatedAt = date
            rebuild = nil
            return nil
        }
        if target == settings.index {
            rebuild = nil
            return nil
        }
        if rebuild == nil, let index, target.differsOnlyInSearchParameters(from: settings.index) {
            target.applySearchParameters(to: index)
            settings.index = target
            settings.updatedAt = date
            return nil
        }
        let started = IndexRebuild(target: target, requestedAt: date)
        rebuild = started
        return RebuildStart(keys: chunks.keys.sorted(), rebuild: started, dimension: dimension, metric: settings.metric)
    }

    func startBuild(_ start: RebuildStart, completion: (@Sendable () -> Void)? = nil) {
        DispatchQueue.global(qos: .utility).async {
            self.build(start.rebuild, keys: start.keys, dimension: start.dimension, metric: start.metric)
            completion?()
        }
    }

    /// Fills the new index from the old one's vectors (read in slices under the read lock, so
    /// writes interleave), then catches up with `pending` and swaps it in under the write lock.
    private func build(_ job: IndexRebuild, keys: [UInt64], dimension: Int, metric: DistanceMetric) {
        let fresh = job.target.makeIndex(dimension: dimension, metric: metric)
        let slice = 1024
        for start in stride(from: 0, to: keys.count, by: slice) {
            let vectors: [(UInt64, [Float])]? = lock.withReadLock {
                guard rebuild === job, let index else { return nil }
                return keys[start..<min(start + slice, keys.count)].compactMap { key in index.vector(for: key).map { (key, $0) } }
            }
            guard let vectors else { return }
            for (key, vector) in vectors { fresh.add(key: key, vector: vector) }
        }
        lock.withWriteLock {
            guard rebuild === job else { return }
            for change in job.pending {
                switch change {
                case .add(let key, let vector): fresh.add(key: key, vector: vector)
                case .remove(let key): fresh.remove(key: key)
                }
            }
            index = fresh
            settings.index = job.target
            settings.updatedAt = job.requestedAt
            rebuild = nil
        }
    }
}
