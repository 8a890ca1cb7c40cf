import ArrwEngine
import Foundation
import Hummingbird

/// `/v1/libraries`: create, list, get, patch, delete, statistics. A PATCH that changes the
/// index answers 202 with the `index_rebuild` job (`job_id`) that builds it.
///
/// As the original arrwDB did, `GET /v1/libraries/{id}` also answers the library's first
/// `documentsCap` documents with their chunks (embeddings with `include_embeddings=true`) and
/// `documents_truncated`, and the statistics repeat the library's name and counts under the
/// original's names with `vector_store_stats` and `index_stats`.
///
/// A tenant lists and creates only its own libraries (names are unique per tenant); creating
/// one past its `max_libraries` quota is a 429 `quota_exceeded`. `AccessMiddleware` has
/// already answered 404 for a path naming another tenant's library.
struct LibraryRoutes<Context: AccessScopedContext>: Sendable {
    let database: Database
    let jobs: JobQueue
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post { request, context in
            var draft = try await body.decode(CreateLibraryBody.self, from: request).draft()
            draft.tenantId = context.access.owner
            try TenantQuota.checkLibraries(database: database, scope: context.access)
            return APIResponse.json(APIResponse.library(try await database.createLibrary(draft)), status: .created)
        }
        group.get { _, context in
            APIResponse.json(.object(["libraries": .array(database.listLibraries().filter(context.access.sees).map(APIResponse.library))]))
        }
        group.get(":id") { request, context in
            let id = try context.parameters.require("id")
            var answer = APIResponse.library(try database.library(id)).object ?? [:]
            let page = try database.listDocuments(
                libraryId: id, limit: min(Self.documentsCap, database.limits.maxPageSize), cursor: nil, includeEmbeddings: try request.boolQuery("include_embeddings") ?? false)
            answer["documents"] = .array(page.documents.map(APIResponse.document))
            answer["documents_truncated"] = .bool(page.nextCursor != nil)
            return APIResponse.json(.object(answer))
        }
        group.patch(":id") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let patch = try await body.decode(PatchLibraryBody.self, from: request).patch
            let (library, rebuilding) = try await database.updateLibrary(id, patch)
            guard rebuilding else { return APIResponse.json(APIResponse.library(library)) }
            // The change is logged; with the queue full its job is submitted by the queue's
            // housekeeping within a minute instead, and the answer has no job_id.
            let job = try? await jobs.submit(.indexRebuild, libraryId: id, input: .object(["library_id": .string(id)]))
            var answer = APIResponse.library(library).object ?? [:]
            answer["build_state"] = .string("building")
            answer["job_id"] = job.map { .string($0.id.uuidString.lowercased()) } ?? .null
            return APIResponse.json(.object(answer), status: .accepted)
        }
        group.delete(":id") { _, context in
            try await database.deleteLibrary(context.parameters.require("id"))
            return Response(status: .noContent)
        }
        group.get(":id/statistics") { _, context in
            let id = try context.parameters.require("id")
            let info = try database.library(id)
            return APIResponse.json(APIResponse.statistics(try database.statistics(id), of: info))
        }
    }

    /// Documents `GET /v1/libraries/{id}` lists at most (then `documents_truncated` is true;
    /// `GET .../documents` pages through them all).
    static var documentsCap: Int { 1000 }
}
