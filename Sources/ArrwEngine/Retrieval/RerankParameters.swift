import ArrwIndex
import ArrwText
import Foundation

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

    /// The candidates' new order (positions in `pool`) and scores, best first; ties keep the
    /// semantic order. Nil for `cohere`, which its provider orders.
    func order(_ pool: [RerankCandidate], query: [Float], count: Int) -> [(index: Int, score: Double)]? {
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
        case .cohere: return nil
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
