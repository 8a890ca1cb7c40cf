import ArrwStorage
import Foundation
import Synchronization

/// The background job queue: `workers` jobs at a time, oldest submitted first, each run by its
/// type's handler (`JobHandlers`), at most `maxPending` unfinished at once (more are refused
/// with `job_queue_full`).
/// Every transition is logged through the durable `JobTable`, so after a restart pending jobs
/// run and a job that was running runs again from its last checkpoint.
///
/// Cancel is cooperative: a pending job is cancelled at once; a running one when its handler
/// next checkpoints (`JobContext`), keeping what it already committed. A failed attempt is
/// retried after an exponential backoff with jitter (1 s, 2 s, 4 s … ± 25 %) up to `maxRetries`
/// times when its error is transient (`EngineError.Kind.unavailable`); any other error fails it.
public final class JobQueue: Sendable {
    public typealias Handler = @Sendable (JobContext) async throws -> JSONValue

    /// How the queue runs.
    public struct Options: Sendable {
        /// Jobs run at once (`JOB_WORKERS`).
        public var workers: Int
        /// Unfinished jobs allowed at once (`MAX_PENDING_JOBS`).
        public var maxPending: Int
        /// Where `batch_export` files are kept, and for how long after they were written.
        public var exports: ExportFiles

        /// Creates `exportDirectory` when it does not exist.
        public init(workers: Int = 4, maxPending: Int = 10_000, exportDirectory: String, exportRetentionSeconds: Double = 86_400) throws {
            self.workers = max(1, workers)
            self.maxPending = max(1, maxPending)
            exports = try ExportFiles(directory: exportDirectory, retention: exportRetentionSeconds)
        }
    }

    public let database: Database
    public let options: Options
    public var workers: Int { options.workers }
    var exports: ExportFiles { options.exports }
    private struct State {
        var claimed: Set<UUID> = []
        var cancelling: Set<UUID> = []
        var retryAfter: [UUID: ContinuousClock.Instant] = [:]
    }
    private let state = Mutex(State())
    private let running = Mutex(false)
    /// How long an idle worker waits before looking for work again.
    static let idlePoll = Duration.milliseconds(20)

    /// How often the queue adopts pending builds and removes expired exports.
    static let housekeepingInterval = Duration.seconds(60)
    private let handlers: JobHandlers

    public init(database: Database, options: Options) {
        self.database = database
        self.options = options
        handlers = JobHandlers(database: database, exports: options.exports)
    }

    var table: JobTable { database.jobs }

    /// Submits a job; answers once its submission is durable, with the job as submitted
    /// (`pending`; a worker may have started it since).
    public func submit(_ type: JobType, libraryId: String?, input: JSONValue, maxRetries: Int = 3) async throws -> Job {
        let prepared = try handlers.prepare(type, libraryId: libraryId, input: input)
        guard table.unfinishedCount < options.maxPending else {
            throw EngineError(
                .jobQueueFull, message: "\(options.maxPending) jobs are unfinished already (MAX_PENDING_JOBS); try again later",
                details: ["limit": .int(Int64(options.maxPending))])
        }
        let library = try libraryId.map { try database.library($0).id }
        let job = Job(id: UUID(), type: type, libraryId: library, input: prepared, maxRetries: maxRetries, createdAt: Date())
        try await log(.submitted(job), event: .jobCreated, job: job, data: ["job_type": .string(type.rawValue)])
        return job
    }

    /// The job with `id`, or `job_not_found`.
    public func job(_ id: String) throws -> Job {
        guard let uuid = UUID(uuidString: id), let job = table.job(uuid) else {
            throw EngineError(.jobNotFound, message: "job '\(id)' does not exist")
        }
        return job
    }

    /// Cancels a job: at once when pending, at its next checkpoint when running; `job_finished`
    /// (409) when it has already finished.
    public func cancel(_ id: String) async throws -> Job {
        let job = try self.job(id)
        guard !job.status.isFinished else {
            throw EngineError(.jobFinished, message: "job '\(id)' is already \(job.status.rawValue)")
        }
        let pending = state.withLock { state -> Bool in
            state.cancelling.insert(job.id)
            guard !state.claimed.contains(job.id) else { return false }
            state.claimed.insert(job.id)
            return true
        }
        if pending {
            try await finish(job, status: .cancelled, result: nil, error: nil)
            _ = state.withLock { $0.claimed.remove(job.id) }
        }
        return try self.job(id)
    }

    /// Waits until job `id` has finished (polling the table) and returns it.
    public func waitUntilFinished(_ id: UUID) async throws -> Job {
        while true {
            guard let job = table.job(id) else { throw EngineError(.jobNotFound, message: "job '\(id)' does not exist") }
            if job.status.isFinished { return job }
            try await Task.sleep(for: Self.idlePoll)
        }
    }

    /// The NDJSON file of a completed `batch_export` job: `job_result_unavailable` for any other
    /// job, `export_expired` once its retention has passed.
    public func exportFile(_ id: String) throws -> [UInt8] {
        let job = try self.job(id)
        guard job.type == .batchExport, job.status == .completed else {
            throw EngineError(
                .jobResultUnavailable,
                message: "job '\(id)' is a \(job.type.rawValue) job that is \(job.status.rawValue); only a completed batch_export has a file")
        }
        guard let bytes = try exports.read(JobHandlers.exportName(job.id)) else {
            throw EngineError(.exportExpired, message: "the export of job '\(id)' was removed after its retention")
        }
        return bytes
    }

    /// Whether the workers are running.
    public var isRunning: Bool { running.withLock { $0 } }

    func cancelRequested(_ id: UUID) -> Bool { state.withLock { $0.cancelling.contains(id) } }

    /// Runs `workers` workers, each on a thread of its own (`JobThreadExecutor`), until the task
    /// is cancelled (the server stopping). A job interrupted that way stays `running` in the log
    /// and runs again after the restart. Beside them, `housekeeping` submits an `index_rebuild` job
    /// for each library whose logged index change has no unfinished job to build it (a data
    /// directory from before jobs, or a change whose job submission a crash or a full queue cut off).
    public func run() async {
        running.withLock { $0 = true }
        defer { running.withLock { $0 = false } }
        let threads = (0..<workers).map { JobThreadExecutor(name: "arrwdb-job-\($0)") }
        defer { threads.forEach { $0.shutdown() } }
        await withTaskGroup(of: Void.self) { group in
            for thread in threads {
                group.addTask(executorPreference: thread) { await self.work() }
            }
            group.addTask { await self.housekeeping() }
        }
    }

    private func adoptPendingBuilds() async {
        let covered = Set(table.runnable.filter { $0.type == .indexRebuild }.compactMap(\.libraryId))
        for library in database.librariesAwaitingBuild where !covered.contains(library) {
            _ = try? await submit(.indexRebuild, libraryId: library.uuidString, input: .object([:]))
        }
    }

    /// At start and then once a minute: adopts pending builds (one whose job could not be
    /// submitted, say with the queue full, gets one later) and removes expired export files.
    private func housekeeping() async {
        while !Task.isCancelled {
            await adoptPendingBuilds()
            _ = try? exports.purgeExpired()
            try? await Task.sleep(for: Self.housekeepingInterval)
        }
    }

    private func work() async {
        while !Task.isCancelled {
            if let job = claimNext() {
                await execute(job)
                _ = state.withLock { $0.claimed.remove(job.id) }
            } else {
                try? await Task.sleep(for: Self.idlePoll)
            }
        }
    }

    /// The oldest runnable job not claimed by another worker: pending (and past its backoff) or
    /// left running by a restart. The table is searched under the claim lock: a worker logs a
    /// job's end before releasing its claim, so a job another worker just finished is never
    /// claimed again.
    private func claimNext() -> Job? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let job = table.firstUnfinished(where: { job in
                !state.claimed.contains(job.id) && (state.retryAfter[job.id].map { $0 <= now } ?? true)
            }) else { return nil }
            state.claimed.insert(job.id)
            state.retryAfter[job.id] = nil
            return job
        }
    }

    private func execute(_ claimed: Job) async {
        do {
            if cancelRequested(claimed.id) {
                try await finish(claimed, status: .cancelled, result: nil, error: nil)
                return
            }
            let attempts = claimed.attempts + 1
            try await log(.started(claimed.id, attempts: attempts, at: Date()), event: .jobStarted, job: claimed, data: ["attempt": .int(Int64(attempts))])
            guard let job = table.job(claimed.id) else { return }
            do {
                let context = JobContext(job: job, queue: self)
                let result = try await handlers.handler(for: job.type)(context)
                try await context.flush()
                try await finish(job, status: .completed, result: result, error: nil)
            } catch is CancellationError {
                guard cancelRequested(job.id) else { return }
                try await finish(table.job(job.id) ?? job, status: .cancelled, result: table.job(job.id)?.checkpoint, error: nil)
            } catch let error as EngineError where error.kind == .unavailable && attempts <= job.maxRetries {
                let delay = Double(1 << min(attempts - 1, 10)) * Double.random(in: 0.75...1.25)
                state.withLock { $0.retryAfter[job.id] = .now + .milliseconds(Int(delay * 1000)) }
                try await log(
                    .finished(job.id, status: .pending, result: nil, error: "\(error)", at: Date()), event: .jobProgress, job: job,
                    data: ["retry_in_seconds": .double(delay), "error": .string("\(error)")])
            } catch {
                try await finish(job, status: .failed, result: nil, error: "\(error)")
            }
        } catch {
            // The log failed (storage unavailable): the job stays as logged; it is tried again
            // in a second (and after a restart), so workers do not spin on a failed log.
            state.withLock { $0.retryAfter[claimed.id] = .now + .seconds(1) }
        }
    }

    private func finish(_ job: Job, status: JobStatus, result: JSONValue?, error: String?) async throws {
        let kind: ChangeEvent.Kind = switch status {
        case .completed: .jobCompleted
        case .cancelled: .jobCancelled
        default: .jobFailed
        }
        var data: [String: JSONValue] = ["status": .string(status.rawValue)]
        if let error { data["error"] = .string(error) }
        try await log(.finished(job.id, status: status, result: result, error: error, at: Date()), event: kind, job: job, data: data)
        _ = state.withLock { $0.cancelling.remove(job.id) }
    }

    func log(_ change: JobChange, event kind: ChangeEvent.Kind, job: Job, data: [String: JSONValue]) async throws {
        var data = data
        data["job_id"] = .string(job.id.uuidString.lowercased())
        data["job_type"] = .string(job.type.rawValue)
        if let library = job.libraryId { data["library_id"] = .string(library.uuidString.lowercased()) }
        try await database.logServerChange(component: table.name, payload: change.encode(), event: kind, data: data)
    }
}
