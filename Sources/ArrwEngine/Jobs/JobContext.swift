import Foundation
import Synchronization

/// What a running job's handler sees: the job (its input and the checkpoint it resumes from),
/// a way to record progress durably, and whether it should stop.
///
/// Progress records are throttled: `checkpoint` logs (and publishes `job.progress`) at most
/// every `interval`, and always when the job should stop, so a restart resumes from a recent
/// checkpoint and a cancelled job's checkpoint counts exactly what it did. Handlers are written
/// so that redoing the work after the last logged checkpoint is harmless.
public final class JobContext: Sendable {
    public let job: Job
    let queue: JobQueue
    /// The least time between two logged progress records.
    static let interval = Duration.milliseconds(250)
    private struct Throttle {
        var lastLogged: ContinuousClock.Instant?
        /// The newest checkpoint not logged because it came too soon after the last one.
        var unlogged: JobChange?
    }
    private let throttle = Mutex(Throttle())

    init(job: Job, queue: JobQueue) {
        self.job = job
        self.queue = queue
    }

    /// Records progress and the checkpoint a restart resumes from (throttled, see above), then
    /// throws `CancellationError` if the job was cancelled or the server is stopping: handlers
    /// call it between slices of work.
    public func checkpoint(current: Int, total: Int, message: String, checkpoint: JSONValue) async throws {
        let stopping = shouldStop
        let now = ContinuousClock.now
        let progress = total > 0 ? min(99, current * 100 / total) : 0
        let change = JobChange.progress(job.id, current: current, total: total, progress: progress, message: message, checkpoint: checkpoint)
        let due = throttle.withLock { throttle in
            guard stopping || throttle.lastLogged.map({ now - $0 >= Self.interval }) ?? true else {
                throttle.unlogged = change
                return false
            }
            throttle = Throttle(lastLogged: now, unlogged: nil)
            return true
        }
        if due { try await log(change) }
        if stopping { throw CancellationError() }
    }

    /// Logs the newest checkpoint the throttle held back, so a finished job's progress detail
    /// shows where it ended.
    func flush() async throws {
        if let change = throttle.withLock({ throttle in defer { throttle.unlogged = nil }; return throttle.unlogged }) {
            try await log(change)
        }
    }

    private func log(_ change: JobChange) async throws {
        guard case .progress(_, let current, let total, let progress, _, _) = change else { return }
        try await queue.log(
            change, event: .jobProgress, job: job,
            data: ["progress": .int(Int64(progress)), "current": .int(Int64(current)), "total": .int(Int64(total))])
    }

    /// Whether the job was cancelled or the server is stopping.
    public var shouldStop: Bool { queue.cancelRequested(job.id) || Task.isCancelled }
}
