/// Why a text is being embedded. Some models (Cohere's v3) embed a search query differently
/// from a stored document; providers that make no such distinction ignore it.
public enum EmbeddingPurpose: Sendable {
    case document
    case query
}

/// A source of text embeddings: a batch of texts in, one vector per text out, in order.
///
/// Invariants every provider keeps: `embed` returns exactly `texts.count` vectors, each of
/// `dimension` finite components; the same text with the same purpose gives the same vector.
/// Providers are shared by every request, so they must be safe to call concurrently.
public protocol EmbeddingProvider: Sendable {
    /// The model's name as reported on a library (`embedding_model`).
    var modelName: String { get }
    /// The length of every vector this provider returns.
    var dimension: Int { get }
    /// Embeds `texts` in order. Throws `EmbeddingError` when the provider cannot.
    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]]
}

/// A failure inside an embedding provider (model missing, remote service down, bad answer),
/// with what kind of failure it was, so the server can answer each with its own code.
public struct EmbeddingError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable {
        /// Anything not named below (a local model that cannot run).
        case failed
        /// The provider refused the credentials (401, 403).
        case credentialsRejected
        /// The provider does not know the model.
        case unknownModel
        /// The provider answered, but not with one vector of the right length per text.
        case malformedAnswer
        /// The provider could not be reached, or kept answering 5xx or 429 past every retry.
        case unreachable
        /// No answer came within the timeout, on every attempt.
        case timedOut
        /// The provider refused the request itself (another 4xx): a text too long, say.
        case rejected
    }

    public var kind: Kind
    public var message: String

    public init(_ message: String, kind: Kind = .failed) {
        self.message = message
        self.kind = kind
    }

    public var description: String { message }
}
