import ArrwEmbedding
import ArrwIndex
import ArrwText
import Foundation

/// How `/search/rerank` reorders the semantic search's candidates.
public enum RerankMethod: String, Sendable, CaseIterable {
    /// BM25 score of the query against each candidate's text (the library's keyword
    /// statistics); candidates sharing no term keep their semantic order after the rest.
    case bm25
    /// Maximal marginal relevance over the candidates' vectors (`lambda`, default 0.5).
    case mmr
    /// Cohere's rerank model (`model`, default `rerank-v3.5`) scores the candidates' texts.
    case cohere
    /// The original's: `0.7 · similarity + 0.3 · 2^(−age days / half_life_days)` (30).
    case recency
    /// The original's: `0.8 · similarity + 0.2 · position boost`, the boost `1 − min(1, chunk
    /// position / 100)` with `prefer_early` (true), else `min(1, position / 100)`.
    case position
    /// The original's: `0.85 · similarity + 0.15 · length boost`, the boost `min(1, characters
    /// / 5000)` with `prefer_longer` (true), else one minus it.
    case length
}

/// A search whose candidates are reranked. `similarity` (what recency, position and length
/// start from) is the original's `1 − distance / 2` for cosine, `1 / (1 + distance)` for l2
/// and `(1 + dot) / 2` for dot, each clipped to 0…1.
public struct RerankQuery: Sendable {
    public var text: String
    public var vector: [Float]?
    public var k: Int
    /// How many semantic candidates are reranked (default `min(3k, 300)`, at least `k`).
    public var candidates: Int?
    public var method: RerankMethod
    /// The method's parameters, defaults filled in by `rerankSearch` (see `RerankParameters`).
    public var parameters: [String: JSONValue]
    public var filter: Filter?
    public var distanceThreshold: Double?
    public var includeEmbeddings: Bool

    public init(
        text: String, vector: [Float]? = nil, k: Int = 10, candidates: Int? = nil, method: RerankMethod = .recency,
        parameters: [String: JSONValue] = [:], filter: Filter? = nil, distanceThreshold: Double? = nil, includeEmbeddings: Bool = false
    ) {
        (self.text, self.vector, self.k, self.candidates, self.method) = (text, vector, k, candidates, method)
        (self.parameters, self.filter, self.distanceThreshold, self.includeEmbeddings) = (parameters, filter, distanceThreshold, includeEmbeddings)
    }
}

/// The reranked results and the parameters the method ran with (defaults filled in).
public struct RerankOutcome: Sendable {
    public var hits: [SearchHit]
    public var parameters: [String: JSONValue]
    public var queryTimeMs: Double
}

extension Database {
    /// Semantic search for `candidates` chunks (filter and distance threshold applied), then
    /// `method` reorders them and the best `k` are answered, `score` being the method's score.
    /// `cohere` needs `reranker` (nil: COHERE_API_KEY is not set, a 400).
    public func rerankSearch(libraryId: String, _ query: RerankQuery, reranker: (any RerankProvider)?) async throws -> RerankOutcome {
        let start = ContinuousClock.now
        let store = try store(libraryId)
        try checkK(query.k)
        let candidates = query.candidates ?? max(query.k, min(3 * query.k, 300))
        guard candidates >= query.k, candidates <= max(query.k, 1000) else {
            throw EngineError.validation("'candidates' must be between k and 1000 (or k, when k is larger)", field: "candidates")
        }
        try checkQueryText(query.text)
        let parameters = try RerankParameters(query.method, query.parameters, defaultModel: reranker?.defaultModel)
        if query.method == .bm25 { _ = try store.requireKeywordIndex(field: "method") }
        let pool: [RerankCandidate]
        let vector: [Float]
        if let given = query.vector {
            try VectorValidation.check(given, field: "query_vector", limits: limits)
            (pool, vector) = (try store.rerankCandidates(query, vector: given, count: candidates, method: query.method), given)
        } else if store.dimension != nil {
            (pool, vector) = try await searching(query.text, in: store) {
                (try store.rerankCandidates(query, vector: $0, count: candidates, method: query.method), $0)
            }
        } else {
            return RerankOutcome(hits: [], parameters: parameters.json, queryTimeMs: 0)
        }
        let order: [(index: Int, score: Double)]
        if let local = parameters.order(pool, query: vector, count: query.k) {
            order = local
        } else if let reranker {
            do {
                order = try await reranker.rerank(
                    query: query.text, documents: pool.map(\.hit.chunk.text), topN: query.k, model: parameters.model ?? reranker.defaultModel)
            } catch let error as RerankError {
                throw EngineError(rerank: error)
            }
        } else {
            throw EngineError(.rerankerUnavailable, message: "method 'cohere' needs COHERE_API_KEY set on the server")
        }
        let hits = order.prefix(query.k).map { entry in
            var hit = pool[entry.index].hit
            hit.score = entry.score
            if !query.includeEmbeddings { hit.chunk.embedding = nil }
            return hit
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        observers.current?.searched(libraryId: store.id.uuidString.lowercased(), indexType: store.indexTypeName, kind: .rerank, seconds: seconds)
        return RerankOutcome(hits: hits, parameters: parameters.json, queryTimeMs: (seconds * 1_000_000).rounded() / 1000)
    }
}

/// One semantic candidate of a rerank, with what the methods look at.
struct RerankCandidate {
    var hit: SearchHit
    var similarity: Double
    var keywordScore: Double
    var createdAt: Double
    var position: Int
    var vector: [Float]
}

extension LibraryStore {
    /// The `count` nearest chunks (filter and threshold applied) with their vectors (always:
    /// MMR compares them) and, for `bm25`, their BM25 scores, under one read lock.
    func rerankCandidates(_ query: RerankQuery, vector: [Float], count: Int, method: RerankMethod) throws -> [RerankCandidate] {
        let terms = method == .bm25 ? analyzer?.terms(query.text) ?? [] : []
        return try lock.withReadLock {
            guard let index, let dimension = settings.dimension else { return [] }
            guard vector.count == dimension else { throw EngineError.dimensionMismatch(expected: dimension, actual: vector.count, field: "query_vector") }
            var pool: [RerankCandidate] = []
            for neighbor in plannedSearch(index, vector: vector, k: count, filter: query.filter, options: SearchOptions()) {
                let distance = settings.metric.apiDistance(fromScore: neighbor.score)
                if let threshold = query.distanceThreshold, distance > threshold { continue }
                let stored = chunks[neighbor.key]!
                let chunk = makeChunk(key: neighbor.key, includeEmbedding: true)
                let hit = SearchHit(chunk: chunk, documentId: chunk.documentId, distance: distance, score: settings.metric.apiScore(fromScore: neighbor.score))
                pool.append(RerankCandidate(
                    hit: hit, similarity: settings.metric.unitSimilarity(distance: distance),
                    keywordScore: terms.isEmpty ? 0 : keywords.score(terms: terms, key: neighbor.key), createdAt: stored.createdAt,
                    position: documents[stored.documentId]?.chunkKeys.firstIndex(of: neighbor.key) ?? 0, vector: chunk.embedding ?? []))
            }
            return pool
        }
    }
}

extension EngineError {
    /// A rerank provider's failure as the API reports it: its rate limit as 429 with the
    /// provider's `Retry-After`, anything else as `rerank_failed` (503).
    init(rerank error: RerankError) {
        switch error {
        case .rateLimited(let retryAfter, let message):
            self = EngineError(.rerankRateLimited, message: message, details: ["retry_after_seconds": .int(Int64(retryAfter ?? 1))])
        case .rejected(_, let message), .unavailable(let message):
            self = EngineError(.rerankFailed, message: message)
        }
    }
}
