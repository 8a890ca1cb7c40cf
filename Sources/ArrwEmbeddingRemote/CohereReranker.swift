import ArrwEmbedding
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Cohere's rerank API (`POST {base}/v2/rerank`) over AsyncHTTPClient.
///
/// Sends `{"model", "query", "documents": [text], "top_n"}` with `Authorization: Bearer KEY`
/// and reads `{"results": [{"index", "relevance_score"}]}`. A 429 becomes
/// `RerankError.rateLimited` with the service's `Retry-After`; 401/403 and 5xx, a network
/// failure or an unreadable answer become `unavailable`; any other 4xx `rejected`, each with
/// Cohere's own `message`. One attempt per call: the caller decides about retrying.
public struct CohereReranker: RerankProvider {
    public static let defaultBaseURL = "https://api.cohere.com"

    public let defaultModel: String
    private let apiKey: String
    private let endpoint: String
    private let timeout: TimeAmount

    /// `baseURL` is `COHERE_BASE_URL` (the scheme, host and port; tests point it at a loopback
    /// server speaking Cohere's wire format).
    private let client: HTTPClient

    public init(
        apiKey: String, baseURL: String = CohereReranker.defaultBaseURL, defaultModel: String = "rerank-v3.5", timeoutSeconds: Int64 = 30,
        client: HTTPClient = RemoteHTTP.shared
    ) {
        self.client = client
        self.apiKey = apiKey
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.endpoint = base + "/v2/rerank"
        self.defaultModel = defaultModel
        self.timeout = .seconds(timeoutSeconds)
    }

    public func rerank(query: String, documents: [String], topN: Int, model: String) async throws -> [(index: Int, score: Double)] {
        guard !documents.isEmpty else { return [] }
        let body: [String: Any] = ["model": model, "query": query, "documents": documents, "top_n": min(topN, documents.count)]
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let bytes: [UInt8]
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status
            headers = response.headers
            bytes = Array(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        } catch {
            throw RerankError.unavailable("Cohere rerank is unreachable: \(error)")
        }
        guard status == .ok else {
            let message = "Cohere rerank answered \(status.code): " + Self.message(bytes)
            switch status.code {
            case 429: throw RerankError.rateLimited(retryAfterSeconds: headers.first(name: "Retry-After").flatMap { Int($0) }, message: message)
            case 401, 403, 500...: throw RerankError.unavailable(message)
            default: throw RerankError.rejected(status: Int(status.code), message: message)
            }
        }
        return try Self.results(bytes, documentCount: documents.count)
    }

    /// The ranked `(index, relevance_score)` pairs of an answer, checked against the request.
    static func results(_ bytes: [UInt8], documentCount: Int) throws -> [(index: Int, score: Double)] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let results = object["results"] as? [[String: Any]]
        else { throw RerankError.unavailable("Cohere rerank answered without a 'results' list") }
        var seen = Set<Int>()
        var ranked: [(index: Int, score: Double)] = []
        for result in results {
            guard let index = (result["index"] as? NSNumber)?.intValue, (0..<documentCount).contains(index), seen.insert(index).inserted,
                  let score = (result["relevance_score"] as? NSNumber)?.doubleValue, score.isFinite
            else { throw RerankError.unavailable("Cohere rerank answered a result without a valid 'index' and 'relevance_score'") }
            ranked.append((index, score))
        }
        return ranked.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }

    /// Cohere's error `message` (or the start of the body when it is not JSON).
    static func message(_ bytes: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], let message = object["message"] as? String {
            return message
        }
        return String(decoding: bytes.prefix(200), as: UTF8.self)
    }
}
