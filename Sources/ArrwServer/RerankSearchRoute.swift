import ArrwEmbedding
import ArrwEngine
import Hummingbird

/// `POST /v1/libraries/{id}/search/rerank` `{query, k?, candidates?, method? (or the original's
/// rerank_function), rerank_params?, filter?, distance_threshold?, include_embeddings?,
/// query_vector?}`: semantic search for `candidates` chunks, reordered by `method` (`recency`
/// by default, as in the original: `bm25`, `mmr`, `cohere`, `recency`, `position`, `length`;
/// see `RerankMethod`). Answers the `/search` shape with `score` the method's score, plus
/// `rerank_function`, `rerank_params` (defaults filled in) and the original's `total_results`.
struct RerankSearchRoute<Context: RequestContext>: Sendable {
    let database: Database
    let body: JSONBodyReader
    /// Cohere's rerank API, when COHERE_API_KEY is set.
    let reranker: (any RerankProvider)?

    func register(on group: RouterGroup<Context>) {
        group.post(":id/search/rerank") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let query = try Self.query(try await body.json(from: request), limits: database.limits)
            let outcome = try await database.rerankSearch(libraryId: id, query, reranker: reranker)
            return APIResponse.json(.object([
                "results": .array(outcome.hits.map(APIResponse.searchHit)), "total": .int(Int64(outcome.hits.count)),
                "total_results": .int(Int64(outcome.hits.count)), "query_time_ms": .double(outcome.queryTimeMs),
                "rerank_function": .string(query.method.rawValue), "rerank_params": .object(outcome.parameters),
            ]))
        }
    }

    static func query(_ json: JSONValue, limits: EngineLimits) throws -> RerankQuery {
        let search = try SearchBody(json: json).searchQuery(limits: limits, requireFilter: false)
        guard let text = search.text else { throw EngineError.validation("'query' (text) is required for a rerank search", field: "query") }
        let object = json.object ?? [:]
        var method = RerankMethod.recency
        for field in ["method", "rerank_function"] {
            guard let value = object[field], value != .null else { continue }
            guard let name = value.string, let parsed = RerankMethod(rawValue: name) else {
                let names = RerankMethod.allCases.map(\.rawValue).joined(separator: ", ")
                throw EngineError.validation("'\(field)' must be one of \(names)", field: field)
            }
            method = parsed
        }
        let parameters: [String: JSONValue]
        switch object["rerank_params"] {
        case nil, .null?: parameters = [:]
        case .object(let given)?: parameters = given
        default: throw EngineError.validation("'rerank_params' must be an object", field: "rerank_params")
        }
        return RerankQuery(
            text: text, vector: search.vector, k: search.k,
            candidates: try optionalNumber(object, "candidates").map { try integer($0, field: "candidates") }, method: method,
            parameters: parameters, filter: search.filter, distanceThreshold: search.distanceThreshold, includeEmbeddings: search.includeEmbeddings)
    }
}
