import ArrwEngine
import Hummingbird

/// The original arrwDB's search routes: `/search/embedding` `{embedding, k, distance_threshold?}`
/// (a `query_vector` search under the original's field name) and `/search/filtered` `{query, k,
/// metadata_filters}` (a text search whose `metadata_filters` all must hold, see
/// `MetadataFilters`; a `filter` given too must hold as well). Both answer as `/search`.
struct OriginalSearchRoutes<Context: RequestContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/search/embedding") { request, context in
            var object = try await bodyObject(request)
            guard let embedding = object.removeValue(forKey: "embedding") else {
                throw EngineError.validation("'embedding' is required: the query vector", field: "embedding")
            }
            object["query"] = nil
            object["query_text"] = nil
            object["query_vector"] = embedding
            return try await answer(object, request, context)
        }
        group.post(":id/search/filtered") { request, context in
            var object = try await bodyObject(request)
            guard object["query"]?.string != nil else { throw EngineError.validation("'query' is required: the query text", field: "query") }
            guard let list = object.removeValue(forKey: "metadata_filters") else {
                throw EngineError.validation("'metadata_filters' is required", field: "metadata_filters")
            }
            switch (object["filter"], try MetadataFilters.filter(list)) {
            case (_, nil): break
            case (nil, let translated?), (.null?, let translated?): object["filter"] = translated
            case (let own?, let translated?): object["filter"] = .object(["$and": .array([own, translated])])
            }
            return try await answer(object, request, context)
        }
    }

    private func bodyObject(_ request: Request) async throws -> [String: JSONValue] {
        guard let object = try await body.json(from: request).object else {
            throw EngineError.validation("the search must be a JSON object")
        }
        return object
    }

    private func answer(_ object: [String: JSONValue], _ request: Request, _ context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        _ = try database.library(id)
        var search = try SearchBody(json: .object(object))
        try search.takeIncludeEmbeddings(from: request)
        return APIResponse.json(APIResponse.search(try await database.search(libraryId: id, search.searchQuery(limits: database.limits, requireFilter: false))))
    }
}
