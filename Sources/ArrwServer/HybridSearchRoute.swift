import ArrwEngine
import Hummingbird

/// `POST /v1/libraries/{id}/search/hybrid` `{query, k?, alpha?, fusion?, rrf_k?, candidates?,
/// filter?, distance_threshold?, include_embeddings?, query_vector?}`: BM25 and semantic search
/// fused (`alpha` 0 keyword … 1 semantic, default 0.5; `fusion` `weighted` (default: the best
/// measured on BEIR SciFact, see README), `dbsf` or `rrf`; `rrf_k` 60; `candidates` per retriever, default max(k, 100)). Answers the `/search`
/// shape, each result adding `score_breakdown` `{vector_score, keyword_score, vector_rank,
/// keyword_rank, fused_score}` (null where a retriever did not find the chunk; `vector_score`
/// is computed for every result) and `score` = `fused_score`.
///
/// The original arrwDB's fields keep working: any of `vector_weight` (0.7), `metadata_weight`
/// (0.3; the two sum to 1), `recency_boost` (false), `recency_half_life_days` (30) turns on its
/// scoring (`MetadataScoring`): `alpha` then defaults to 1 (the original had no keyword side),
/// results are ordered by `hybrid_score`, which is their `score`, each `score_breakdown` adds
/// the original's `vector_score` (`1 − distance / 2`), `vector_distance`, `metadata_score`,
/// `hybrid_score`, `vector_weight`, `metadata_weight` and `recency_boost`, and the answer adds
/// `scoring_config` (`total_results` comes with every answer). With `alpha` below 1 the relevance it weighs is the
/// fused score on 0…1 instead (`relevance` in the breakdown).
struct HybridSearchRoute<Context: RequestContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/search/hybrid") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let query = try HybridSearchAPI.query(try await body.json(from: request), limits: database.limits)
            return APIResponse.json(try await HybridSearchAPI.answer(database: database, library: id, query))
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
        var answer: [String: JSONValue] = [
            "results": .array(hits.map { result($0, scoring: query.metadataScoring) }), "total": .int(Int64(hits.count)),
            "total_results": .int(Int64(hits.count)),
            "query_time_ms": .double(milliseconds), "alpha": .double(query.alpha), "fusion": .string(query.fusion.rawValue),
        ]
        if let scoring = query.metadataScoring {
            answer["scoring_config"] = .object([
                "vector_weight": .double(scoring.vectorWeight), "metadata_weight": .double(scoring.metadataWeight),
                "recency_boost": .bool(scoring.recencyBoost), "recency_half_life_days": .double(scoring.halfLifeDays),
                "alpha": .double(query.alpha), "fusion": .string(query.fusion.rawValue),
            ])
        }
        return .object(answer)
    }

    static func query(_ json: JSONValue, limits: EngineLimits) throws -> HybridQuery {
        let search = try SearchBody(json: json).searchQuery(limits: limits, requireFilter: false)
        guard let text = search.text else { throw EngineError.validation("'query' (text) is required for a hybrid search", field: "query") }
        let object = json.object ?? [:]
        func number(_ key: String) throws -> Double? { try optionalNumber(object, key) }
        var fusion = Fusion.default
        if let name = object["fusion"], name != .null {
            guard let value = name.string.flatMap(Fusion.init(rawValue:)) else {
                throw EngineError.validation("'fusion' must be one of rrf, weighted, dbsf", field: "fusion")
            }
            fusion = value
        }
        var scoring: MetadataScoring?
        let originalFields = ["vector_weight", "metadata_weight", "recency_boost", "recency_half_life_days"]
        if originalFields.contains(where: { object[$0] != nil && object[$0] != .null }) {
            var original = MetadataScoring()
            original.vectorWeight = try number("vector_weight") ?? 1 - (try number("metadata_weight") ?? 0.3)
            original.metadataWeight = try number("metadata_weight") ?? 1 - original.vectorWeight
            switch object["recency_boost"] {
            case nil, .null?: break
            case .bool(let flag)?: original.recencyBoost = flag
            default: throw EngineError.validation("'recency_boost' must be true or false", field: "recency_boost")
            }
            original.halfLifeDays = try number("recency_half_life_days") ?? 30
            scoring = original
        }
        return HybridQuery(
            text: text, vector: search.vector, k: search.k, alpha: try number("alpha") ?? (scoring == nil ? 0.5 : 1), fusion: fusion,
            rrfK: try number("rrf_k") ?? 60, candidates: try number("candidates").map { try integer($0, field: "candidates") },
            filter: search.filter, distanceThreshold: search.distanceThreshold, includeEmbeddings: search.includeEmbeddings,
            metadataScoring: scoring)
    }

    static func result(_ hit: HybridHit, scoring: MetadataScoring?) -> JSONValue {
        var object = APIResponse.searchHit(hit.hit).object ?? [:]
        if hit.hit.distance.isNaN { object["distance"] = .null }
        object["score_breakdown"] = .object([
            "vector_score": hit.vectorScore.map(JSONValue.double) ?? .null,
            "keyword_score": hit.keywordScore.map(JSONValue.double) ?? .null,
            "vector_rank": hit.vectorRank.map { .int(Int64($0)) } ?? .null,
            "keyword_rank": hit.keywordRank.map { .int(Int64($0)) } ?? .null,
            "fused_score": .double(hit.fusedScore),
        ])
        if let scoring, case .object(var breakdown)? = object["score_breakdown"] {
            let distance: JSONValue = hit.hit.distance.isNaN ? .null : .double(hit.hit.distance)
            breakdown["vector_score"] = hit.hit.distance.isNaN ? .null : .double(min(1, max(0, 1 - hit.hit.distance / 2)))
            breakdown["vector_distance"] = distance
            breakdown["relevance"] = hit.relevance.map(JSONValue.double) ?? .null
            breakdown["metadata_score"] = hit.metadataScore.map(JSONValue.double) ?? .null
            breakdown["hybrid_score"] = .double(hit.hit.score)
            breakdown["vector_weight"] = .double(scoring.vectorWeight)
            breakdown["metadata_weight"] = .double(scoring.metadataWeight)
            breakdown["recency_boost"] = hit.recencyBoost.map(JSONValue.double) ?? .null
            object["score_breakdown"] = .object(breakdown)
        }
        return .object(object)
    }
}
