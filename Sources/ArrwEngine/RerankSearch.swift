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
    /// `cohere` needs `reranker` (nil: COHERE_API_KEY is not set, a 503).
    public func rerankSearch(libraryId: String, _ query: RerankQuery, reranker: (any RerankProvider)?) async throws -> RerankOutcome {
        let start = ContinuousClock.now
        let store = try store(libraryId)
        guard (1...limits.maxSearchResults).contains(query.k) else {
            throw EngineError.limitExceeded("'k' must be between 1 and \(limits.maxSearchResults)", limit: limits.maxSearchResults, field: "k")
        }
        let candidates = query.candidates ?? max(query.k, min(3 * query.k, 300))
        guard (query.k...1000).contains(candidates) else {
            throw EngineError.validation("'candidates' must be between k and 1000", field: "candidates")
        }
        guard !query.text.isEmpty, query.text.count <= limits.maxTextLengthPerChunk else {
            throw EngineError.validation("'query' must be 1 to \(limits.maxTextLengthPerChunk) characters", field: "query")
        }
        let parameters = try RerankParameters(query.method, query.parameters, defaultModel: reranker?.defaultModel)
        if query.method == .cohere, reranker == nil {
            throw EngineError(.rerankerUnavailable, message: "method 'cohere' needs COHERE_API_KEY set on the server")
        }
        if query.method == .bm25, store.analyzer == nil {
            throw EngineError.validation("method 'bm25' needs a keyword index; this library's text_analyzer is 'none'", field: "method")
        }
        var vector = query.vector
        if vector == nil, let dimension = store.dimension {
            guard dimension == embedder.dimension else {
                throw EngineError(
                    .dimensionMismatch,
                    message: "the library holds \(dimension)-dimensional vectors but the embedding model "
                        + "'\(embedder.modelName)' gives \(embedder.dimension); send 'query_vector' too")
            }
            vector = try await embed([query.text], purpose: .query)[0]
        }
        guard let vector else { return RerankOutcome(hits: [], parameters: parameters.json, queryTimeMs: 0) }
        try VectorValidation.check(vector, field: "query_vector", limits: limits)
        let pool = try store.rerankCandidates(query, vector: vector, count: candidates, method: query.method)
        let order: [(index: Int, score: Double)]
        if query.method == .cohere, let reranker {
            do {
                order = try await reranker.rerank(
                    query: query.text, documents: pool.map(\.hit.chunk.text), topN: query.k, model: parameters.model ?? reranker.defaultModel)
            } catch let error as RerankError {
                throw EngineError(rerank: error)
            }
        } else {
            order = parameters.order(pool, query: vector, count: query.k)
        }
        let hits = order.prefix(query.k).map { entry in
            var hit = pool[entry.index].hit
            hit.score = entry.score
            if !query.includeEmbeddings { hit.chunk.embedding = nil }
            return hit
        }
        return RerankOutcome(hits: hits, parameters: parameters.json, queryTimeMs: Double((ContinuousClock.now - start) / .microseconds(1)) / 1000)
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

extension DistanceMetric {
    /// The original arrwDB's similarity on 0…1: `1 − distance / 2` for cosine, `1 / (1 +
    /// distance)` for l2, `(1 + dot) / 2` for dot (whose distance is the negated dot product).
    func unitSimilarity(distance: Double) -> Double {
        let value: Double
        switch self {
        case .cosine: value = 1 - distance / 2
        case .l2: value = 1 / (1 + distance)
        case .dot: value = (1 - distance) / 2
        }
        return min(1, max(0, value))
    }
}

/// A rerank method's parameters, validated, with defaults filled in.
struct RerankParameters {
    var method: RerankMethod
    var lambda = 0.5
    var halfLifeDays = 30.0
    var preferEarly = true
    var preferLonger = true
    var model: String?

    init(_ method: RerankMethod, _ given: [String: JSONValue], defaultModel: String?) throws {
        self.method = method
        let known: Set<String> = switch method {
        case .bm25: []
        case .mmr: ["lambda"]
        case .cohere: ["model"]
        case .recency: ["half_life_days"]
        case .position: ["prefer_early"]
        case .length: ["prefer_longer"]
        }
        if let unknown = given.keys.sorted().first(where: { !known.contains($0) }) {
            throw EngineError.validation(
                "rerank_params key '\(unknown)' does not apply to method '\(method.rawValue)'"
                    + (known.isEmpty ? " (it takes none)" : " (it takes \(known.sorted().joined(separator: ", ")))"),
                field: "rerank_params.\(unknown)")
        }
        func number(_ key: String) throws -> Double? {
            guard let value = given[key], value != .null else { return nil }
            guard let number = value.number, number.isFinite else { throw EngineError.validation("rerank_params.\(key) must be a number", field: "rerank_params.\(key)") }
            return number
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = given[key], value != .null else { return nil }
            guard case .bool(let flag) = value else { throw EngineError.validation("rerank_params.\(key) must be true or false", field: "rerank_params.\(key)") }
            return flag
        }
        if let lambda = try number("lambda") {
            guard (0...1).contains(lambda) else { throw EngineError.validation("rerank_params.lambda must be between 0 and 1", field: "rerank_params.lambda") }
            self.lambda = lambda
        }
        if let days = try number("half_life_days") {
            guard days > 0 else { throw EngineError.validation("rerank_params.half_life_days must be above 0", field: "rerank_params.half_life_days") }
            halfLifeDays = days
        }
        preferEarly = try flag("prefer_early") ?? true
        preferLonger = try flag("prefer_longer") ?? true
        if let value = given["model"], value != .null {
            guard let name = value.string, !name.isEmpty, name.count <= 200 else {
                throw EngineError.validation("rerank_params.model must be a model name", field: "rerank_params.model")
            }
            model = name
        } else if method == .cohere {
            model = defaultModel
        }
    }

    /// The parameters as the answer's `rerank_params`.
    var json: [String: JSONValue] {
        switch method {
        case .bm25: [:]
        case .mmr: ["lambda": .double(lambda)]
        case .cohere: model.map { ["model": .string($0)] } ?? [:]
        case .recency: ["half_life_days": .double(halfLifeDays)]
        case .position: ["prefer_early": .bool(preferEarly)]
        case .length: ["prefer_longer": .bool(preferLonger)]
        }
    }

    /// The candidates' new order (positions in `pool`) and scores, best first, for every
    /// method but `cohere`; ties keep the semantic order.
    func order(_ pool: [RerankCandidate], query: [Float], count: Int) -> [(index: Int, score: Double)] {
        let now = Date().timeIntervalSince1970
        let scores: [Double]
        switch method {
        case .mmr:
            let relevance = pool.map { Self.cosine(query, $0.vector) }
            return MaximalMarginalRelevance.select(relevance: relevance, count: count, lambda: lambda) { i, j in
                Self.cosine(pool[i].vector, pool[j].vector)
            }
        case .bm25: scores = pool.map(\.keywordScore)
        case .recency:
            scores = pool.map { 0.7 * $0.similarity + 0.3 * pow(2, -max(0, now - $0.createdAt) / 86_400 / halfLifeDays) }
        case .position:
            scores = pool.map {
                let place = min(1, Double($0.position) / 100)
                return 0.8 * $0.similarity + 0.2 * (preferEarly ? 1 - place : place)
            }
        case .length:
            scores = pool.map {
                let size = min(1, Double($0.hit.chunk.text.count) / 5000)
                return 0.85 * $0.similarity + 0.15 * (preferLonger ? size : 1 - size)
            }
        case .cohere: scores = pool.map(\.similarity)
        }
        return scores.enumerated().sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .map { ($0.offset, $0.element) }
    }

    /// Cosine similarity of two vectors (0 when either is zero).
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0
        var normA = 0.0
        var normB = 0.0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            normA += Double(a[i]) * Double(a[i])
            normB += Double(b[i]) * Double(b[i])
        }
        return normA > 0 && normB > 0 ? dot / (normA * normB).squareRoot() : 0
    }
}

extension EngineError {
    /// A rerank provider's failure as the API reports it: its rate limit as 429 with the
    /// provider's `Retry-After`, anything else as `rerank_failed` (502).
    init(rerank error: RerankError) {
        switch error {
        case .rateLimited(let retryAfter, let message):
            self = EngineError(.rerankRateLimited, message: message, details: ["retry_after_seconds": .int(Int64(retryAfter ?? 1))])
        case .rejected(_, let message), .unavailable(let message):
            self = EngineError(.rerankFailed, message: message)
        }
    }
}
