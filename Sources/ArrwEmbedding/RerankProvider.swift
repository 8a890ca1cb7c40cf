/// A relevance model that scores documents against a query (a cross-encoder such as Cohere's
/// rerank models), used by `/search/rerank` with `method` `cohere`.
///
/// Invariants: every returned index is one of `documents`' positions, at most once, best first;
/// providers are shared by every request, so they must be safe to call concurrently.
public protocol RerankProvider: Sendable {
    /// The model used when a request names none.
    var defaultModel: String { get }
    /// The `topN` most relevant of `documents` for `query`, best first, with the model's
    /// relevance scores. Throws `RerankError`.
    func rerank(query: String, documents: [String], topN: Int, model: String) async throws -> [(index: Int, score: Double)]
}

/// Why a rerank provider gave no answer.
public enum RerankError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The service refused for its rate limit; `retryAfterSeconds` is its own hint when given.
    case rateLimited(retryAfterSeconds: Int?, message: String)
    /// The service rejected the request as malformed (its 4xx other than 401, 403 and 429).
    case rejected(status: Int, message: String)
    /// The service failed, was unreachable, refused the key, or answered something unreadable.
    case unavailable(String)

    public var description: String {
        switch self {
        case .rateLimited(_, let message), .rejected(_, let message), .unavailable(let message): message
        }
    }
}
