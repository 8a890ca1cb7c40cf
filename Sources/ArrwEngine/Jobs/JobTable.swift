import ArrwIndex
import Foundation
import Synchronization

/// One logged transition of a job: the payload of a server-state change record of the
/// component `jobs` (`ServerState.swift`). Encoding, little-endian, with `BinaryCoding`:
///
/// | field | encoding |
/// | --- | --- |
/// | transition | UInt8: 1 submitted, 2 started, 3 progress, 4 finished |
/// | job id | UUID |
/// | submitted | type String, library flag UInt8 + UUID, input JSON, max retries UInt32, created Date |
/// | started | attempts UInt32, at Date |
/// | progress | current UInt64, total UInt64, progress UInt8, message String, checkpoint JSON |
/// | finished | status String, result flag UInt8 + JSON, error flag UInt8 + String, at Date |
///
/// A `finished` record with status `pending` is a failed attempt waiting for its retry.
enum JobChange: Equatable {
    case submitted(Job)
    case started(UUID, attempts: Int, at: Date)
    case progress(UUID, current: Int, total: Int, progress: Int, message: String, checkpoint: JSONValue)
    case finished(UUID, status: JobStatus, result: JSONValue?, error: String?, at: Date)

    func encode() -> [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .submitted(let job):
            writer.write(UInt8(1))
            writer.write(uuid: job.id)
            writer.write(string: job.type.rawValue)
            writer.write(UInt8(job.libraryId == nil ? 0 : 1))
            if let library = job.libraryId { writer.write(uuid: library) }
            writer.write(json: job.input)
            writer.write(UInt32(job.maxRetries))
            writer.write(date: job.createdAt)
        case .started(let id, let attempts, let at):
            writer.write(UInt8(2))
            writer.write(uuid: id)
            writer.write(UInt32(attempts))
            writer.write(date: at)
        case .progress(let id, let current, let total, let progress, let message, let checkpoint):
            writer.write(UInt8(3))
            writer.write(uuid: id)
            writer.write(UInt64(current))
            writer.write(UInt64(total))
            writer.write(UInt8(progress))
            writer.write(string: message)
            writer.write(json: checkpoint)
        case .finished(let id, let status, let result, let error, let at):
            writer.write(UInt8(4))
            writer.write(uuid: id)
            writer.write(string: status.rawValue)
            writer.write(UInt8(result == nil ? 0 : 1))
            if let result { writer.write(json: result) }
            writer.write(UInt8(error == nil ? 0 : 1))
            if let error { writer.write(string: error) }
            writer.write(date: at)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> JobChange {
        var reader = ByteReader(bytes)
        let kind = try reader.read(UInt8.self)
        let id = try reader.readUUID()
        let change: JobChange
        switch kind {
        case 1:
            let name = try reader.readString()
            guard let type = JobType(rawValue: name) else { throw IndexFormatError.corrupt("unknown job type '\(name)'") }
            let library = try reader.read(UInt8.self) == 1 ? try reader.readUUID() : nil
            let input = try reader.readJSON()
            let maxRetries = Int(try reader.read(UInt32.self))
            change = .submitted(Job(id: id, type: type, libraryId: library, input: input, maxRetries: maxRetries, createdAt: try reader.readDate()))
        case 2:
            change = .started(id, attempts: Int(try reader.read(UInt32.self)), at: try reader.readDate())
        case 3:
            change = .progress(
                id, current: Int(try reader.read(UInt64.self)), total: Int(try reader.read(UInt64.self)),
                progress: Int(try reader.read(UInt8.self)), message: try reader.readString(), checkpoint: try reader.readJSON())
        case 4:
            let name = try reader.readString()
            guard let status = JobStatus(rawValue: name) else { throw IndexFormatError.corrupt("unknown job status '\(name)'") }
            let result = try reader.read(UInt8.self) == 1 ? try reader.readJSON() : nil
            let error = try reader.read(UInt8.self) == 1 ? try reader.readString() : nil
            change = .finished(id, status: status, result: result, error: error, at: try reader.readDate())
        default:
            throw IndexFormatError.corrupt("unknown job transition \(kind)")
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after a job transition") }
        return change
    }
}

/// The durable job table: every job ever submitted (until purged), rebuilt from its logged
/// transitions and kept in snapshots as the required section `server.jobs`, version 1: UInt32
/// job count, then each job whole (id, type, library flag + UUID, status, progress UInt8,
/// current and total UInt64, message, input, checkpoint, result flag + JSON, error flag +
/// String, attempts and max retries UInt32, created Date, started and completed flag + Date).
public final class JobTable: ServerStateComponent {
    static let componentName = "jobs"
    public let name = JobTable.componentName
    public let sectionVersion: UInt16 = 1
    public let sectionRequired = true
    /// Every job by id, the ids of the unfinished ones in submission order (what idle workers
    /// look through many times a second, so it is kept rather than derived by a scan of every
    /// job ever submitted), and how many jobs have each status. Invariants: `unfinished` holds
    /// exactly the jobs whose status is not finished, in the order their submissions were
    /// applied; `counts[s]` is the number of jobs whose status is `s`.
    private struct State {
        var jobs: [UUID: Job] = [:]
        var unfinished = SubmissionOrder()
        var counts: [JobStatus: Int] = [:]

        mutating func setStatus(_ id: UUID, _ status: JobStatus) {
            guard let old = jobs[id]?.status, old != status else { return }
            counts[old, default: 0] -= 1
            counts[status, default: 0] += 1
            jobs[id]?.status = status
        }
    }
    private let state = Mutex(State())

    public init() {}

    /// The job with `id`, if any.
    public func job(_ id: UUID) -> Job? { state.withLock { $0.jobs[id] } }

    /// The number of jobs not finished.
    var unfinishedCount: Int { state.withLock { $0.unfinished.count } }

    /// Jobs that are pending or were left running, oldest first.
    var runnable: [Job] {
        state.withLock { state in state.unfinished.ids.compactMap { state.jobs[$0] } }
    }

    /// The oldest unfinished job for which `body` is true, looked for under the table's lock
    /// (so a job another worker finished meanwhile is never offered).
    func firstUnfinished(where body: (Job) -> Bool) -> Job? {
        state.withLock { state in
            state.unfinished.first { state.jobs[$0].map(body) ?? false }.flatMap { state.jobs[$0] }
        }
    }

    /// How many jobs have each status.
    public var statusCounts: [JobStatus: Int] { state.withLock { $0.counts } }

    /// The number of jobs ever submitted (and not purged).
    public var count: Int { state.withLock { $0.jobs.count } }

    /// Every job, newest first.
    public var all: [Job] {
        state.withLock { Array($0.jobs.values) }.sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
    }

    public func apply(_ payload: [UInt8], sequence: UInt64, at: Date) throws {
        let change = try JobChange.decode(payload)
        state.withLock { state in
            switch change {
            case .submitted(let job):
                guard state.jobs[job.id] == nil else { return }
                state.jobs[job.id] = job
                state.counts[job.status, default: 0] += 1
                state.unfinished.append(job.id)
            case .started(let id, let attempts, let at):
                state.setStatus(id, .running)
                state.jobs[id]?.attempts = attempts
                if state.jobs[id]?.startedAt == nil { state.jobs[id]?.startedAt = at }
            case .progress(let id, let current, let total, let progress, let message, let checkpoint):
                guard var job = state.jobs[id] else { return }
                job.current = current
                job.total = total
                job.progress = max(job.progress, min(100, progress))
                job.message = message
                job.checkpoint = checkpoint
                state.jobs[id] = job
            case .finished(let id, let status, let result, let error, let at):
                state.setStatus(id, status)
                guard var job = state.jobs[id] else { return }
                job.result = result ?? job.result
                job.error = error
                if status.isFinished {
                    job.completedAt = at
                    job.input = Self.trimmed(job.input)
                    if status == .completed { job.progress = 100 }
                    state.unfinished.remove(id)
                }
                state.jobs[id] = job
            }
        }
    }

    /// A finished job's input without its bulk (the documents of an import, the ids of a
    /// delete), which only running needs: counts take their place.
    static func trimmed(_ input: JSONValue) -> JSONValue {
        guard var object = input.object else { return input }
        for field in ["documents", "document_ids"] {
            if let list = object[field]?.array {
                object[field] = nil
                object[field.replacingOccurrences(of: "documents", with: "document") + "_count"] = .int(Int64(list.count))
            }
        }
        return .object(object)
    }

    public func encodeSection() throws -> [UInt8] {
        var writer = ByteWriter()
        let all = self.all
        writer.write(UInt32(all.count))
        for job in all { writer.write(job: job) }
        return writer.bytes
    }

    public func restore(_ bytes: [UInt8], version: UInt16) throws {
        guard version == 1 else { throw IndexFormatError.corrupt("job table version \(version) is newer than this build reads") }
        var reader = ByteReader(bytes)
        let count = Int(try reader.read(UInt32.self))
        var restored: [UUID: Job] = [:]
        for _ in 0..<count {
            let job = try reader.readJob()
            restored[job.id] = job
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after the job table") }
        let unfinished = restored.values.filter { !$0.status.isFinished }
            .sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }.map(\.id)
        let counts = Dictionary(grouping: restored.values, by: \.status).mapValues(\.count)
        state.withLock { $0 = State(jobs: restored, unfinished: SubmissionOrder(unfinished), counts: counts) }
    }
}

extension ByteWriter {
    mutating func write(job: Job) {
        write(uuid: job.id)
        write(string: job.type.rawValue)
        write(UInt8(job.libraryId == nil ? 0 : 1))
        if let library = job.libraryId { write(uuid: library) }
        write(string: job.status.rawValue)
        write(UInt8(job.progress))
        write(UInt64(job.current))
        write(UInt64(job.total))
        write(string: job.message)
        write(json: job.input)
        write(json: job.checkpoint)
        write(UInt8(job.result == nil ? 0 : 1))
        if let result = job.result { write(json: result) }
        write(UInt8(job.error == nil ? 0 : 1))
        if let error = job.error { write(string: error) }
        write(UInt32(job.attempts))
        write(UInt32(job.maxRetries))
        write(date: job.createdAt)
        write(optionalDate: job.startedAt)
        write(optionalDate: job.completedAt)
    }
}

extension ByteReader {
    mutating func readJob() throws -> Job {
        let id = try readUUID()
        let typeName = try readString()
        guard let type = JobType(rawValue: typeName) else { throw IndexFormatError.corrupt("unknown job type '\(typeName)'") }
        let library = try read(UInt8.self) == 1 ? try readUUID() : nil
        let statusName = try readString()
        guard let status = JobStatus(rawValue: statusName) else { throw IndexFormatError.corrupt("unknown job status '\(statusName)'") }
        let progress = Int(try read(UInt8.self))
        let current = Int(try read(UInt64.self))
        let total = Int(try read(UInt64.self))
        let message = try readString()
        let input = try readJSON()
        let checkpoint = try readJSON()
        let result = try read(UInt8.self) == 1 ? try readJSON() : nil
        let error = try read(UInt8.self) == 1 ? try readString() : nil
        let attempts = Int(try read(UInt32.self))
        var job = Job(id: id, type: type, libraryId: library, input: input, maxRetries: Int(try read(UInt32.self)), createdAt: try readDate())
        job.startedAt = try readOptionalDate()
        job.completedAt = try readOptionalDate()
        (job.status, job.progress, job.current, job.total, job.message) = (status, progress, current, total, message)
        (job.checkpoint, job.result, job.error, job.attempts) = (checkpoint, result, error, attempts)
        return job
    }
}
