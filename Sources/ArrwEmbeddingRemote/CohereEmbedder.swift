import ArrwEmbedding
import AsyncHTTPClient
import Foundation

/// Cohere's embed API (`POST {base}/v2/embed`), the original arrwDB's provider.
///
/// Sends `{"model", "texts", "input_type", "embedding_types": ["float"]}` with
/// `Authorization: Bearer KEY`, `input_type` `search_document` for stored texts and
/// `search_query` for queries, at most 96 texts per call (Cohere's limit; a larger batch is
/// split and the calls run side by side), and reads `{"embeddings": {"float": [[Float]]}}`,
/// one vector of `dimension` per text or the answer is malformed. Calls go through
/// `RemoteJSONCaller` (timeouts, retries, a bound on concurrent calls).
public struct CohereEmbedder: EmbeddingProvider, RemoteProvider {
    public static let defaultBaseURL = "https://api.cohere.com"
    public static let defaultModel = "embed-english-v3.0"
    /// Texts per call, Cohere's documented maximum.
    public static let batchLimit = 96

    /// The output length of Cohere's embed models by name, for when `EMBEDDING_DIMENSION` is unset.
    public static let knownDimensions = [
        "embed-english-v3.0": 1024, "embed-multilingual-v3.0": 1024,
        "embed-english-light-v3.0": 384, "embed-multilingual-light-v3.0": 384,
    ]

    public let model: String
    public let dimension: Int
    public var modelName: String { model }
    public var statistics: RemoteCallStatistics { caller.statistics }
    private let apiKey: String
    private let endpoint: String
    private let caller: RemoteJSONCaller

    /// `baseURL` is `COHERE_BASE_URL`: the API root without a version segment.
    public init(
        apiKey: String, baseURL: String = CohereEmbedder.defaultBaseURL, model: String = CohereEmbedder.defaultModel,
        dimension: Int, policy: RemoteCallPolicy = RemoteCallPolicy(), client: HTTPClient = RemoteHTTP.shared
    ) {
        self.apiKey = apiKey
        self.model = model
        self.dimension = dimension
        endpoint = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/v2/embed"
        caller = RemoteJSONCaller(service: "Cohere embed", policy: policy, client: client)
    }

    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        let batches = stride(from: 0, to: texts.count, by: Self.batchLimit).map { Array(texts[$0..<min($0 + Self.batchLimit, texts.count)]) }
        return try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for (position, batch) in batches.enumerated() {
                group.addTask { (position, try await embedBatch(batch, purpose: purpose)) }
            }
            var answers = [[[Float]]](repeating: [], count: batches.count)
            for try await (position, vectors) in group { answers[position] = vectors }
            return answers.flatMap { $0 }
        }
    }

    private func embedBatch(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        let body: [String: Any] = [
            "model": model, "texts": texts, "input_type": purpose == .query ? "search_query" : "search_document",
            "embedding_types": ["float"],
        ]
        let bytes = try await caller.post(endpoint, headers: [("Authorization", "Bearer \(apiKey)")], body: body)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let embeddings = object["embeddings"] as? [String: Any], let floats = embeddings["float"] as? [Any]
        else { throw EmbeddingError("Cohere embed answered without 'embeddings.float'", kind: .malformedAnswer) }
        return try RemoteVectors.decode(floats, count: texts.count, dimension: dimension, service: "Cohere embed")
    }
}

/// Vectors read from a provider's JSON, checked: one per text, each `dimension` finite numbers.
enum RemoteVectors {
    static func decode(_ list: [Any], count: Int, dimension: Int, service: String) throws -> [[Float]] {
        guard list.count == count else {
            throw EmbeddingError("\(service) answered \(list.count) vectors for \(count) texts", kind: .malformedAnswer)
        }
        return try list.map { item in
            guard let numbers = item as? [Any] else { throw EmbeddingError("\(service) answered a vector that is not a list", kind: .malformedAnswer) }
            guard numbers.count == dimension else {
                throw EmbeddingError("\(service) answered a \(numbers.count)-dimensional vector; the model gives \(dimension)", kind: .malformedAnswer)
            }
            return try numbers.map { number in
                guard let value = (number as? NSNumber)?.floatValue, value.isFinite else {
                    throw EmbeddingError("\(service) answered a vector with a value that is not a finite number", kind: .malformedAnswer)
                }
                return value
            }
        }
    }
}
