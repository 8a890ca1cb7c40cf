import ArrwEngine
import Foundation
import Hummingbird

/// `/v1/libraries`: create, list, get, patch, delete, statistics. A PATCH that changes the
/// index answers 202 with the `index_rebuild` job (`job_id`) that builds it.
struct LibraryRoutes<Context: RequestContext>: Sendable {
    let database: Database
    let jobs: JobQueue
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post { request, _ in
            let draft = try await body.decode(CreateLibraryBody.self, from: request).draft()
            return APIResponse.json(APIResponse.library(try await database.createLibrary(draft)), status: .created)
        }
        group.get { _, _ in
            APIResponse.json(.object(["libraries": .array(database.listLibraries().map(APIResponse.library))]))
        }
        group.get(":id") { _, context in
            APIResponse.json(APIResponse.library(try database.library(context.parameters.require("id"))))
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
            APIResponse.json(APIResponse.statistics(try database.statistics(context.parameters.require("id"))))
        }
    }
}
