import ArrwEngine
import Foundation
import Hummingbird
import NIOCore

/// `/v1/jobs` (SPEC.md, "Events, jobs, system"): submit a job of a type (202 `{job_id, status}`),
/// read one, list them newest first with filters and a cursor, cancel one (409 once finished),
/// download a finished export (`GET /v1/jobs/{id}/result`, NDJSON).
/// The body of a submission is the job's input; `library_id` in it names the library. A
/// `batch_import` may instead send its documents as an NDJSON body
/// (`Content-Type: application/x-ndjson`) with `library_id` in the query. The original
/// arrwDB's spellings are accepted too: `POST /v1/jobs/batch-import` and the other hyphenated
/// types (200 `{job_id, status, message}`) and `GET /v1/jobs/stats/queue`.
///
/// A tenant submits jobs on its own libraries only (`library_id` required; another tenant's
/// library is 404 `library_not_found`) and sees, cancels and downloads only those jobs: another
/// tenant's job is 404 `job_not_found`, as an unknown one. The queue statistics count every job.
struct JobRoutes<Context: AccessScopedContext>: Sendable {
    let queue: JobQueue
    let body: JSONBodyReader
    /// The most jobs one page lists.
    static var maxPage: Int { 1000 }

    /// The one path parameter: a job type on POST, a job id elsewhere (the router needs one name).
    static var parameter: String { "job" }

    func register(on group: RouterGroup<Context>) {
        group.get("stats/queue") { _, _ in
            APIResponse.json(queueStatistics())
        }
        group.post(":\(Self.parameter)") { request, context in
            let name = try context.parameters.require(Self.parameter)
            // The original arrwDB's clients post to `/v1/jobs/batch-delete` and expect 200 with a message.
            let original = name.contains("-")
            guard let type = JobType(rawValue: original ? name.replacingOccurrences(of: "-", with: "_") : name) else {
                let known = JobType.allCases.map(\.rawValue).joined(separator: ", ")
                throw EngineError.validation("unknown job type '\(name)'; known: \(known)", field: "job_type")
            }
            let input = try await self.input(of: type, request)
            let library = try input.object?["library_id"].map { value -> String in
                guard let id = value.string else { throw EngineError.validation("'library_id' must be a string", field: "library_id") }
                return id
            }
            if context.access.tenantId != nil {
                guard let library else { throw EngineError.validation("'library_id' is required", field: "library_id") }
                guard context.access.sees(try queue.database.library(library)) else { throw EngineError.libraryNotFound(library) }
            }
            let job = try await queue.submit(type, libraryId: library, input: input)
            var answer: [String: JSONValue] = ["job_id": .string(job.id.uuidString.lowercased()), "status": .string(job.status.rawValue)]
            guard original else { return APIResponse.json(.object(answer), status: .accepted) }
            answer["message"] = .string("\(type.rawValue) job submitted")
            return APIResponse.json(.object(answer))
        }
        group.get(":\(Self.parameter)/result") { _, context in
            let bytes = try queue.exportFile(try visibleJob(context).id.uuidString)
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        group.get(":\(Self.parameter)") { _, context in
            APIResponse.json(APIResponse.job(try visibleJob(context)))
        }
        group.delete(":\(Self.parameter)") { _, context in
            APIResponse.json(APIResponse.job(try await queue.cancel(try visibleJob(context).id.uuidString)))
        }
        group.get { request, context in
            APIResponse.json(try list(request, scope: context.access))
        }
    }

    /// The job the path names, when the request's scope sees it (its library's tenant); else
    /// the same 404 as for an unknown job.
    private func visibleJob(_ context: Context) throws -> Job {
        let id = try context.parameters.require(Self.parameter)
        let job = try queue.job(id)
        guard visible(job, in: context.access) else { throw EngineError(.jobNotFound, message: "job '\(id)' does not exist") }
        return job
    }

    private func visible(_ job: Job, in scope: AccessScope) -> Bool {
        guard let tenantId = scope.tenantId else { return true }
        return job.libraryId.map { queue.database.owner(ofLibrary: $0) == tenantId } ?? false
    }

    /// A submission's input: the JSON object body, or for a `batch_import` with an NDJSON body
    /// `{"library_id": <from the query>, "documents": <the lines>}`.
    private func input(of type: JobType, _ request: Request) async throws -> JSONValue {
        let ndjson = request.headers[.contentType]?.lowercased().hasPrefix("application/x-ndjson") ?? false
        if ndjson {
            guard type == .batchImport else {
                throw EngineError.validation("only a batch_import takes an NDJSON body; send a JSON object")
            }
            var object: [String: JSONValue] = ["documents": .array(try await body.ndjson(from: request))]
            if let library = request.uri.queryParameters.get("library_id") { object["library_id"] = .string(library) }
            return .object(object)
        }
        let input = try await body.json(from: request)
        guard input.object != nil else { throw EngineError.validation("the body must be a JSON object") }
        return input
    }

    /// `GET /v1/jobs/stats/queue`, in the original arrwDB's shape.
    private func queueStatistics() -> JSONValue {
        let counts = queue.database.jobs.statusCounts
        func count(_ status: JobStatus) -> JSONValue { .int(Int64(counts[status] ?? 0)) }
        return .object([
            "total_jobs": .int(Int64(counts.values.reduce(0, +))), "completed_jobs": count(.completed), "failed_jobs": count(.failed),
            "cancelled_jobs": count(.cancelled), "pending_jobs": count(.pending), "running_jobs": count(.running),
            "queue_size": count(.pending), "num_workers": .int(Int64(queue.workers)), "running": .bool(queue.isRunning),
        ])
    }

    /// `GET /v1/jobs?status=&type=&library_id=&limit=&cursor=`: `{jobs, total, next_cursor}`,
    /// newest first; `total` counts every job the filters match, `cursor` is the last job id of
    /// the previous page.
    private func list(_ request: Request, scope: AccessScope) throws -> JSONValue {
        let query = request.uri.queryParameters
        let status = try query.get("status").map { name -> JobStatus in
            guard let status = JobStatus(rawValue: name) else {
                throw EngineError.validation("unknown job status '\(name)'", field: "status")
            }
            return status
        }
        let type = try query.get("type").map { name -> JobType in
            guard let type = JobType(rawValue: name) else { throw EngineError.validation("unknown job type '\(name)'", field: "type") }
            return type
        }
        let library = query.get("library_id")?.lowercased()
        let limit = try request.intQuery("limit") ?? 100
        guard (1...Self.maxPage).contains(limit) else {
            throw EngineError.validation("'limit' must be between 1 and \(Self.maxPage)", field: "limit")
        }
        let matching = queue.database.jobs.all.filter { job in
            visible(job, in: scope) && (status == nil || job.status == status) && (type == nil || job.type == type)
                && (library == nil || job.libraryId?.uuidString.lowercased() == library)
        }
        var start = 0
        if let cursor = query.get("cursor") {
            guard let index = matching.firstIndex(where: { $0.id.uuidString.lowercased() == cursor.lowercased() }) else {
                throw EngineError.validation("'cursor' is not a job of this listing", field: "cursor")
            }
            start = index + 1
        }
        let page = matching[start..<min(start + limit, matching.count)]
        let next = start + limit < matching.count ? page.last.map { JSONValue.string($0.id.uuidString.lowercased()) } : nil
        return .object([
            "jobs": .array(page.map(APIResponse.job)), "total": .int(Int64(matching.count)), "next_cursor": next ?? .null,
        ])
    }
}

extension APIResponse {
    /// A job as the API shows it (`type` also as `job_type`, as the original arrwDB named it).
    static func job(_ job: Job) -> JSONValue {
        .object([
            "job_id": .string(job.id.uuidString.lowercased()), "type": .string(job.type.rawValue), "job_type": .string(job.type.rawValue),
            "library_id": job.libraryId.map { .string($0.uuidString.lowercased()) } ?? .null,
            "status": .string(job.status.rawValue), "progress": .int(Int64(job.progress)),
            "progress_detail": .object([
                "current": .int(Int64(job.current)), "total": .int(Int64(job.total)), "message": .string(job.message),
            ]),
            "result": job.result ?? .null, "error": job.error.map(JSONValue.string) ?? .null,
            "attempts": .int(Int64(job.attempts)), "max_retries": .int(Int64(job.maxRetries)),
            "created_at": timestamp(job.createdAt), "started_at": job.startedAt.map(timestamp) ?? .null,
            "completed_at": job.completedAt.map(timestamp) ?? .null,
        ])
    }
}
