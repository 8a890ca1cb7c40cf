import ArrwEngine
import ArrwIndex
import Foundation
import Hummingbird

/// The original arrwDB's per-library index routes, answering as it did: they run an
/// `index_rebuild` or `index_optimize` job and answer once it has finished.
///
/// - `POST /v1/libraries/{id}/index/rebuild` `{index_type?, index_config?}` (or our `index_params`)
///   → `{library_id, old_index_type, new_index_type, total_vectors_reindexed, rebuild_time_ms, job_id}`
/// - `POST /v1/libraries/{id}/index/optimize` → `{library_id, vectors_compacted, memory_freed_bytes,
///   optimization_time_ms, job_id}`
/// - `GET /v1/libraries/{id}/index/statistics` → `{library_id, index_type, total_vectors,
///   index_stats, vector_store_stats}`
///
/// A job that fails answers with its error; one cancelled meanwhile answers 409 `job_finished`.
struct IndexRoutes<Context: RequestContext>: Sendable {
    let jobs: JobQueue
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/index/rebuild") { request, context in
            let id = try context.parameters.require("id")
            var input = request.headers[.contentLength] == "0" ? [:] : try await optionalBody(request)
            input["library_id"] = .string(id)
            return APIResponse.json(try await run(.indexRebuild, library: id, input: .object(input)))
        }
        group.post(":id/index/optimize") { _, context in
            let id = try context.parameters.require("id")
            return APIResponse.json(try await run(.indexOptimize, library: id, input: .object(["library_id": .string(id)])))
        }
        group.get(":id/index/statistics") { _, context in
            let statistics = try jobs.database.statistics(context.parameters.require("id"))
            let library = try jobs.database.library(context.parameters.require("id"))
            return APIResponse.json(.object([
                "library_id": .string(library.id.uuidString.lowercased()), "index_type": .string(statistics.indexType.rawValue),
                "total_vectors": .int(Int64(statistics.chunkCount)),
                "index_stats": .object([
                    "index_type": .string(statistics.indexType.rawValue), "index_params": .object(statistics.index.json),
                    "memory_bytes": .int(Int64(statistics.indexMemoryBytes)), "build_state": .string(statistics.buildState),
                    "metric": .string(statistics.metric.rawValue),
                ]),
                "vector_store_stats": .object([
                    "total_vectors": .int(Int64(statistics.chunkCount)),
                    "dimension": statistics.dimension.map { .int(Int64($0)) } ?? .null,
                    "document_count": .int(Int64(statistics.documentCount)),
                ]),
            ]))
        }
    }

    /// The body as an object, or empty when there is none.
    private func optionalBody(_ request: Request) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: body.maxBytes)
        guard buffer.readableBytes > 0 else { return [:] }
        guard let object = buffer.withUnsafeReadableBytes({ try? JSONValue.parse($0) })?.object else {
            throw EngineError(ServerErrorCode.invalidJSON, message: "the request body must be a JSON object")
        }
        return object
    }

    /// Submits the job, waits for it, and answers its result with `library_id` and `job_id`.
    private func run(_ type: JobType, library: String, input: JSONValue) async throws -> JSONValue {
        let submitted = try await jobs.submit(type, libraryId: library, input: input)
        let job = try await jobs.waitUntilFinished(submitted.id)
        switch job.status {
        case .completed:
            var answer = job.result?.object ?? [:]
            answer["library_id"] = .string(library.lowercased())
            answer["job_id"] = .string(job.id.uuidString.lowercased())
            return .object(answer)
        case .cancelled:
            throw EngineError(.jobFinished, message: "the \(type.rawValue) job \(job.id.uuidString.lowercased()) was cancelled")
        default:
            throw EngineError(
                .jobFailed, message: "the \(type.rawValue) job \(job.id.uuidString.lowercased()) failed: \(job.error ?? "no reason given")")
        }
    }
}
