import ArrwEmbedding
import AsyncHTTPClient
import Foundation
import Synchronization

/// Any OpenAI-compatible embeddings API (`POST {base}/embeddings`: OpenAI, Ollama, TEI, vLLM).
///
/// Sends `{"model", "input": [text], "encoding_format": "float"}`, with `Authorization: Bearer
/// KEY` when a key is set, at most 256 texts per call (larger batches are split and run side by
/// side), and reads `{"data": [{"index", "embedding"}]}`, put in `index` order. The dimension
/// is `EMBEDDING_DIMENSION` when given, else learned from the first answer; every later answer
/// must match it. Calls go through `RemoteJSONCaller`.
public final class OpenAIEmbedder: EmbeddingProvider, RemoteProvider {
    public static let defaultBaseURL = "https://api.openai.com/v1"
    public static let batchLimit = 256

    public let model: String
    public var modelName: String { model }
    public var statistics: RemoteCallStatistics { caller.statistics }
    private let apiKey: String?
    private let endpoint: String
    private let caller: RemoteJSONCaller
    private let knownDimension: Mutex<Int?>

    /// `baseURL` is `OPENAI_BASE_URL`, including `/v1` as OpenAI's own clients take it.
    public init(
        baseURL: String = OpenAIEmbedder.defaultBaseURL, apiKey: String?, model: String, dimension: Int?,
        policy: RemoteCallPolicy = RemoteCallPolicy(), client: HTTPClient = RemoteHTTP.shared
    ) {
        self.apiKey = apiKey
        self.model = model
        knownDimension = Mutex(dimension)
        endpoint = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/embeddings"
        caller = RemoteJSONCaller(service: "the embeddings API at \(baseURL)", policy: policy, client: client)
    }

    /// The model's vector length; 0 until given or learned from a first answer.
    public var dimension: Int { knownDimension.withLock { $0 ?? 0 } }

    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        let batches = stride(from: 0, to: texts.count, by: Self.batchLimit).map { Array(texts[$0..<min($0 + Self.batchLimit, texts.count)]) }
        return try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for (position, batch) in batches.enumerated() {
                group.addTask { (position, try await self.embedBatch(batch)) }
            }
            var answers = [[[Float]]](repeating: [], count: batches.count)
            for try await (position, vectors) in group { answers[position] = vectors }
            return answers.flatMap { $0 }
        }
    }

    private func embedBatch(_ texts: [String]) async throws -> [[Float]] {
        let body: [String: Any] = ["model": model, "input": texts, "encoding_format": "float"]
        let headers = apiKey.map { [("Authorization", "Bearer \($0)")] } ?? []
        let bytes = try await caller.post(endpoint, headers: headers, body: body)
        let service = "the embeddings API"
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], let data = object["data"] as? [[String: Any]] else {
            throw EmbeddingError("\(service) answered without a 'data' list", kind: .malformedAnswer)
        }
        var ordered = [Any?](repeating: nil, count: data.count)
        for (position, item) in data.enumerated() {
            let index = (item["index"] as? NSNumber)?.intValue ?? position
            guard ordered.indices.contains(index), ordered[index] == nil, let embedding = item["embedding"] else {
                throw EmbeddingError("\(service) answered items without distinct 'index' values", kind: .malformedAnswer)
            }
            ordered[index] = embedding
        }
        let first = (ordered.first as? [Any])?.count ?? 0
        let dimension = knownDimension.withLock { known -> Int in
            if known == nil, first > 0 { known = first }
            return known ?? first
        }
        return try RemoteVectors.decode(ordered.map { $0 as Any }, count: texts.count, dimension: dimension, service: service)
    }
}
