import ArrwEngine
import Hummingbird

/// `/v1/libraries/{id}/search` and `/search/metadata` (the same search with `filter` required).
struct SearchRoutes<Context: RequestContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/search") { request, context in
            try await search(request, context, requireFilter: false)
        }
        group.post(":id/search/metadata") { request, context in
            try await search(request, context, requireFilter: true)
        }
    }

    private func search(_ request: Request, _ context: Context, requireFilter: Bool) async throws -> Response {
        let id = try context.parameters.require("id")
        _ = try database.library(id)
        let query = try SearchBody(json: try await body.json(from: request)).searchQuery(limits: database.limits, requireFilter: requireFilter)
        return try APIResponse.json(APIResponse.search(try await database.search(libraryId: id, query)))
    }
}
