import ArrwEngine
import Hummingbird

/// `/v1/libraries/{id}/search`, `/search/metadata` (the same search with `filter` required) and
/// `/search/stream` (the same search; with `Accept: application/x-ndjson` one result per line,
/// nearest first, then `{"summary": {"total", "query_time_ms"}}`).
struct SearchRoutes<Context: RequestContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/search") { request, context in
            APIResponse.json(APIResponse.search(try await search(request, context, requireFilter: false)))
        }
        group.post(":id/search/metadata") { request, context in
            APIResponse.json(APIResponse.search(try await search(request, context, requireFilter: true)))
        }
        group.post(":id/search/stream") { request, context in
            let outcome = try await search(request, context, requireFilter: false)
            guard NDJSON.isAccepted(by: request) else { return APIResponse.json(APIResponse.search(outcome)) }
            return NDJSON.response { writer in
                for hit in outcome.hits {
                    var line = ByteBuffer()
                    NDJSON.append(APIResponse.searchHit(hit), to: &line)
                    try await writer.write(line)
                }
                var summary = ByteBuffer()
                NDJSON.append(APIResponse.searchSummary(outcome), to: &summary)
                try await writer.write(summary)
                try await writer.finish(nil)
            }
        }
    }

    private func search(_ request: Request, _ context: Context, requireFilter: Bool) async throws -> SearchOutcome {
        let id = try context.parameters.require("id")
        _ = try database.library(id)
        var search = try SearchBody(json: try await body.json(from: request))
        try search.takeIncludeEmbeddings(from: request)
        return try await database.search(libraryId: id, search.searchQuery(limits: database.limits, requireFilter: requireFilter))
    }
}
