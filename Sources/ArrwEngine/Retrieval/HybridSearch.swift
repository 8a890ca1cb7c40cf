import ArrwEmbedding
import ArrwIndex
import ArrwText
import Foundation

/// How hybrid search fuses its two ranked lists.
public enum Fusion: String, Sendable, CaseIterable {
    /// Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): `alpha / (rrf_k + vector
    /// rank) + (1 − alpha) / (rrf_k + keyword rank)`.
    case rrf
    /// Each list's scores min-max normalised over its candidates, then `alpha · vector +
    /// (1 − alpha) · keyword` (a list that did not retrieve a chunk adds 0).
    case weighted
    /// Distribution-based score fusion as Qdrant does it: each list's scores normalised by its
    /// mean ± 3 standard deviations (clipped to 0…1), then weighted as `weighted` is.
    case dbsf

    /// The fusion a query that names none gets: `weighted`, the best measured on BEIR SciFact
    /// (README, "Retrieval quality").
    public static let `default` = Fusion.weighted
}

/// The original arrwDB's hybrid scoring, kept for its clients: `hybrid_score = vector_weight ·
/// relevance + metadata_weight · metadata_score`. `relevance` is the original's vector score
/// `1 − distance / 2` (clipped to 0…1; `DistanceMetric.unitSimilarity`) when `alpha` is 1,
/// which is its default in this mode, and the fused score on 0…1 otherwise (RRF's divided by
/// its largest possible value, `1 / (rrf_k + 1)`). `metadata_score` is the recency boost
/// `2^(−age in days / half_life_days)` of the chunk's document when `recencyBoost`, else 0.
public struct MetadataScoring: Sendable, Equatable {
    public var vectorWeight: Double
    public var metadataWeight: Double
    public var recencyBoost: Bool
    public var halfLifeDays: Double

    public init(vectorWeight: Double = 0.7, metadataWeight: Double = 0.3, recencyBoost: Bool = false, halfLifeDays: Double = 30) {
        (self.vectorWeight, self.metadataWeight, self.recencyBoost, self.halfLifeDays) = (vectorWeight, metadataWeight, recencyBoost, halfLifeDays)
    }

    func validate() throws {
        for (name, weight) in [("vector_weight", vectorWeight), ("metadata_weight", metadataWeight)] where !(0...1).contains(weight) {
            throw EngineError.validation("'\(name)' must be between 0 and 1", field: name)
        }
        guard abs(vectorWeight + metadataWeight - 1) <= 0.01 else {
            throw EngineError.validation(
                "vector_weight + metadata_weight must equal 1.0 (got \(vectorWeight) + \(metadataWeight))", field: "metadata_weight")
        }
        guard halfLifeDays >= 1, halfLifeDays.isFinite else {
            throw EngineError.validation("'recency_half_life_days' must be 1 or more", field: "recency_half_life_days")
        }
    }
}

/// A hybrid (keyword + semantic) query.
public struct HybridQuery: Sendable {
    public var text: String
    /// Used for the semantic side instead of embedding `text`, when given.
    public var vector: [Float]?
    public var k: Int
    /// 0 is pure keyword (BM25), 1 pure semantic.
    public var alpha: Double
    public var fusion: Fusion
    public var rrfK: Double
    /// How many candidates each retriever contributes (at least `k`).
    public var candidates: Int?
    public var filter: Filter?
    public var distanceThreshold: Double?
    public var includeEmbeddings: Bool
    /// The original's scoring on top of the fusion (nil: the fused score ranks).
    public var metadataScoring: MetadataScoring?

    public init(
        text: String, vector: [Float]? = nil, k: Int = 10, alpha: Double = 0.5, fusion: Fusion = .default, rrfK: Double = 60,
        candidates: Int? = nil, filter: Filter? = nil, distanceThreshold: Double? = nil, includeEmbeddings: Bool = false,
        metadataScoring: MetadataScoring? = nil
    ) {
        self.metadataScoring = metadataScoring
        (self.text, self.vector, self.k, self.alpha, self.fusion, self.rrfK) = (text, vector, k, alpha, fusion, rrfK)
        (self.candidates, self.filter, self.distanceThreshold, self.includeEmbeddings) = (candidates, filter, distanceThreshold, includeEmbeddings)
    }
}

/// One fused result: the chunk, its semantic distance and score to the query (computed for
/// every result, whichever list found it), and how each list ranked and scored it.
public struct HybridHit: Sendable {
    public var hit: SearchHit
    public var vectorScore: Double?
    public var keywordScore: Double?
    public var vectorRank: Int?
    public var keywordRank: Int?
    public var fusedScore: Double
    /// With `MetadataScoring`: the relevance it weighs, the metadata score and the recency
    /// boost (nil when off); `hit.score` is then the hybrid score.
    public var relevance: Double?
    public var metadataScore: Double?
    public var recencyBoost: Double?
}

extension Database {
    /// Keyword (BM25) and semantic search over the same library, fused. Both retrievers see the
    /// filter, so `k` results come back whenever `k` chunks pass it and match the query in
    /// either way; `distanceThreshold` cuts on the semantic distance.
    public func hybridSearch(libraryId: String, _ query: HybridQuery) async throws -> (hits: [HybridHit], queryTimeMs: Double) {
        let start = ContinuousClock.now
        let store = try store(libraryId)
        try checkK(query.k)
        guard (0...1).contains(query.alpha) else { throw EngineError.validation("'alpha' must be between 0 and 1", field: "alpha") }
        guard query.rrfK >= 0, query.rrfK.isFinite else { throw EngineError.validation("'rrf_k' must be 0 or more", field: "rrf_k") }
        try query.metadataScoring?.validate()
        let candidates = query.candidates ?? max(query.k, 100, query.metadataScoring == nil ? 0 : min(5 * query.k, 500))
        guard candidates >= query.k, candidates <= max(query.k, 1000) else {
            throw EngineError.validation("'candidates' must be between k and 1000 (or k, when k is larger)", field: "candidates")
        }
        try checkQueryText(query.text)
        if let vector = query.vector { try VectorValidation.check(vector, field: "query_vector", limits: limits) }
        let hits = if query.vector == nil, query.alpha > 0, store.dimension != nil {
            try await searching(query.text, in: store) { try store.hybridSearch(query, vector: $0, candidates: candidates) }
        } else {
            try store.hybridSearch(query, vector: query.vector, candidates: candidates)
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        observers.current?.searched(libraryId: store.id.uuidString.lowercased(), indexType: store.indexTypeName, kind: .hybrid, seconds: seconds)
        return (hits, (seconds * 1_000_000).rounded() / 1000)
    }
}

extension LibraryStore {
    /// Both retrievers and the fusion, under one read lock (one consistent view).
    func hybridSearch(_ query: HybridQuery, vector: [Float]?, candidates: Int) throws -> [HybridHit] {
        let terms = query.alpha < 1 ? try requireKeywordIndex(field: "alpha").terms(query.text) : []
        return try lock.withReadLock {
            var semantic: [(key: UInt64, score: Double)] = []
            if query.alpha > 0, let vector, let index, let dimension = settings.dimension {
                guard vector.count == dimension else {
                    throw EngineError.dimensionMismatch(expected: dimension, actual: vector.count, field: "query_vector")
                }
                semantic = plannedSearch(index, vector: vector, k: candidates, filter: query.filter, options: SearchOptions())
                    .map { ($0.key, settings.metric.apiScore(fromScore: $0.score)) }
            }
            let keyword = query.alpha < 1 ? keywords.search(terms: terms, k: candidates, allow: query.filter.map(allowList)) : []
            var fused = Self.fuse(semantic: semantic, keyword: keyword, query: query)
            // Every result's semantic score, whichever list found it, by one exact kernel.
            var exact: [UInt64: Float] = [:]
            if let vector, vector.count == settings.dimension {
                for neighbor in exactSearchLocked(query: vector, k: fused.count, among: fused.map(\.key)) {
                    exact[neighbor.key] = neighbor.score
                }
            }
            var original: [UInt64: (relevance: Double, metadata: Double, recency: Double?, hybrid: Double)] = [:]
            if let scoring = query.metadataScoring {
                let now = Date().timeIntervalSince1970
                for entry in fused {
                    let relevance = query.alpha == 1
                        ? exact[entry.key].map { settings.metric.unitSimilarity(distance: settings.metric.apiDistance(fromScore: $0)) } ?? 0
                        : query.fusion == .rrf ? entry.fused * (query.rrfK + 1) : entry.fused
                    let recency = scoring.recencyBoost
                        ? min(1, pow(2, -max(0, now - chunks[entry.key]!.createdAt) / 86_400 / scoring.halfLifeDays)) : nil
                    let metadata = recency ?? 0
                    original[entry.key] = (relevance, metadata, recency, scoring.vectorWeight * relevance + scoring.metadataWeight * metadata)
                }
                fused = fused.enumerated().sorted { a, b in
                    let (x, y) = (original[a.element.key]!.hybrid, original[b.element.key]!.hybrid)
                    return x != y ? x > y : a.offset < b.offset
                }.map(\.element)
            }
            var hits: [HybridHit] = []
            for entry in fused where hits.count < query.k {
                let distance = exact[entry.key].map { settings.metric.apiDistance(fromScore: $0) }
                if let threshold = query.distanceThreshold, let distance, distance > threshold { continue }
                let chunk = makeChunk(key: entry.key, includeEmbedding: query.includeEmbeddings)
                let scored = original[entry.key]
                let hit = SearchHit(chunk: chunk, documentId: chunk.documentId, distance: distance ?? .nan, score: scored?.hybrid ?? entry.fused)
                hits.append(HybridHit(
                    hit: hit, vectorScore: exact[entry.key].map { settings.metric.apiScore(fromScore: $0) }, keywordScore: entry.keywordScore,
                    vectorRank: entry.vectorRank, keywordRank: entry.keywordRank, fusedScore: entry.fused,
                    relevance: scored?.relevance, metadataScore: scored?.metadata, recencyBoost: scored?.recency))
            }
            return hits
        }
    }

    struct FusedEntry {
        var key: UInt64
        var vectorRank: Int?
        var keywordRank: Int?
        var keywordScore: Double?
        var fused: Double
    }

    /// The union of both lists, fused and sorted (ties to the better vector rank, then the
    /// better keyword rank, then the smaller key).
    static func fuse(semantic: [(key: UInt64, score: Double)], keyword: [(key: UInt64, score: Double)], query: HybridQuery) -> [FusedEntry] {
        let vectorNormalized = normalize(semantic.map(\.score), query.fusion)
        let keywordNormalized = normalize(keyword.map(\.score), query.fusion)
        var entries: [UInt64: FusedEntry] = [:]
        for (rank, entry) in semantic.enumerated() {
            let part = query.fusion == .rrf ? 1 / (query.rrfK + Double(rank + 1)) : vectorNormalized[rank]
            entries[entry.key] = FusedEntry(key: entry.key, vectorRank: rank + 1, fused: query.alpha * part)
        }
        for (rank, entry) in keyword.enumerated() {
            let part = query.fusion == .rrf ? 1 / (query.rrfK + Double(rank + 1)) : keywordNormalized[rank]
            var fused = entries[entry.key] ?? FusedEntry(key: entry.key, fused: 0)
            fused.keywordRank = rank + 1
            fused.keywordScore = entry.score
            fused.fused += (1 - query.alpha) * part
            entries[entry.key] = fused
        }
        return entries.values.sorted { a, b in
            if a.fused != b.fused { return a.fused > b.fused }
            if a.vectorRank != b.vectorRank { return (a.vectorRank ?? .max) < (b.vectorRank ?? .max) }
            if a.keywordRank != b.keywordRank { return (a.keywordRank ?? .max) < (b.keywordRank ?? .max) }
            return a.key < b.key
        }
    }

    /// One list's scores as the fusion weighs them: min-max to 0…1 (`weighted`), or mean ± 3σ
    /// clipped to 0…1 (`dbsf`); a list of equal scores normalises to 1.
    static func normalize(_ scores: [Double], _ fusion: Fusion) -> [Double] {
        guard !scores.isEmpty else { return [] }
        let low: Double
        let high: Double
        switch fusion {
        case .rrf:
            return scores
        case .weighted:
            (low, high) = (scores.min()!, scores.max()!)
        case .dbsf:
            let mean = scores.reduce(0, +) / Double(scores.count)
            let deviation = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
            (low, high) = (mean - 3 * deviation, mean + 3 * deviation)
        }
        guard high > low else { return scores.map { _ in 1 } }
        return scores.map { min(1, max(0, ($0 - low) / (high - low))) }
    }
}
