import ArrwEngine
import Hummingbird

/// `POST /v1/libraries/{id}/search/hybrid` `{query, k?, alpha?, fusion?, rrf_k?, candidates?,
/// filter?, distance_threshold?, include_embeddings?, query_vector?}`: BM25 and semantic search
/// fused (`alpha` 0 keyword … 1 semantic, default 0.5; `fusion` `dbsf` (default), `weighted` or
/// `rrf`; `rrf_k` 60; `candidates` per retriever, default max(k, 100)). Answers the `/search`
/// shape, each result adding `score_breakdown` `{vector_score, keyword_score, vector_rank,
/// keyword_rank, fused_score}` (null where a retriever did not find the chunk; `vector_score`
/// is computed for every result) and `score` = `fused_score`.
struct HybridSearchRoute<Context: RequestContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/search/hybrid") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let query = try HybridSearchAPI.query(try await body.json(from: request), limits: database.limits)
            return try APIResponse.json(try await HybridSearchAPI.answer(database: database, library: id, query))
        }
    }
}

/// The hybrid search body and answer, shared by the route and the WebSocket `search` action
/// with `mode: "hybrid"`.
enum HybridSearchAPI {
    /// Runs `query` and answers it in the `/search` shape with the fusion used (the route's and
    /// the WebSocket `search` action's answer with `mode: "hybrid"`).
    static func answer(database: Database, library: String, _ query: HybridQuery) async throws -> JSONValue {
        let (hits, milliseconds) = try await database.hybridSearch(libraryId: library, query)
        return .object([
            "results": .array(hits.map(result)), "total": .int(Int64(hits.count)), "query_time_ms": .double(milliseconds),
            "alpha": .double(query.alpha), "fusion": .string(query.fusion.rawValue),
        ])
    }

    static func query(_ json: JSONValue, limits: EngineLimits) throws -> HybridQuery {
        let search = try SearchBody(json: json).searchQuery(limits: limits, requireFilter: false)
        guard let text = search.text else { throw EngineError.validation("'query' (text) is required for a hybrid search", field: "query") }
        let object = json.object ?? [:]
        func number(_ key: String) throws -> Double? { try optionalNumber(object, key) }
        var fusion = Fusion.dbsf
        if let name = object["fusion"], name != .null {
            guard let value = name.string.flatMap(Fusion.init(rawValue:)) else {
                throw EngineError.validation("'fusion' must be one of rrf, weighted, dbsf", field: "fusion")
            }
            fusion = value
        }
        return HybridQuery(
            text: text, vector: search.vector, k: search.k, alpha: try number("alpha") ?? 0.5, fusion: fusion,
            rrfK: try number("rrf_k") ?? 60, candidates: try number("candidates").map { try integer($0, field: "candidates") },
            filter: search.filter, distanceThreshold: search.distanceThreshold, includeEmbeddings: search.includeEmbeddings)
    }

    static func result(_ hit: HybridHit) -> JSONValue {
        var object = APIResponse.searchHit(hit.hit).object ?? [:]
        if hit.hit.distance.isNaN { object["distance"] = .null }
        object["score_breakdown"] = .object([
            "vector_score": hit.vectorScore.map(JSONValue.double) ?? .null,
            "keyword_score": hit.keywordScore.map(JSONValue.double) ?? .null,
            "vector_rank": hit.vectorRank.map { .int(Int64($0)) } ?? .null,
            "keyword_rank": hit.keywordRank.map { .int(Int64($0)) } ?? .null,
            "fused_score": .double(hit.fusedScore),
        ])
        return .object(object)
    }
}
