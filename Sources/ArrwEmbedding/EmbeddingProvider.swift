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

/// A failure inside an embedding provider (model missing, remote service down, bad answer).
public struct EmbeddingError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
