import ArrwEmbedding
import Foundation

/// Which provider embeds a library's texts, and the calls to it.
///
/// A library is bound to the provider it was created with (`embedding_model`, else
/// `EMBEDDING_PROVIDER`), recorded as the provider's name and model. Its texts and text queries
/// are embedded by that provider only, and only while it still serves the recorded model: a
/// provider that is gone or now serves another model, or a request naming another model, is a
/// 409 `embedding_model_mismatch` naming both, so two models' vectors never mix in one index. A
/// `regenerate_embeddings` job naming another model moves the library (`LibraryStore+EmbeddingMove`).
extension Database {
    /// The provider `choice` names (a provider's name, or a model only one provider serves);
    /// a 400 naming `field` and the configured providers otherwise.
    func namedProvider(_ choice: String, field: String) throws -> CachingEmbedder {
        switch embedders.resolve(choice) {
        case .found(let provider): return provider
        case .ambiguous(let names):
            throw EngineError.validation(
                "'\(field)' '\(choice)' is served by several providers (\(names.joined(separator: ", "))); name the provider", field: field)
        case .unknown:
            throw EngineError.validation(
                "'\(field)' '\(choice)' names no configured embedding provider or model; configured: \(embedders.catalogue)", field: field)
        }
    }

    /// The configured provider a library is bound to, whatever model it serves now: the one of
    /// its recorded `name`, or for a library from before providers had names, the one serving
    /// its `model`; nil when there is none.
    func boundProvider(name: String, model: String) -> CachingEmbedder? {
        name.isEmpty ? embedders.all.first { $0.modelName == model } : embedders[name]
    }

    /// The provider of `store`'s model. With `requested` (a request's `embedding_model`), that
    /// must name the same provider and model.
    func embeddingProvider(for store: LibraryStore, requested: String? = nil) throws -> CachingEmbedder {
        let (name, model, _) = store.embeddingIdentity
        let bound = boundProvider(name: name, model: model)
        let library = store.id.lowercased
        let recorded = name.isEmpty ? "'\(model)'" : "'\(model)' of provider '\(name)'"
        func mismatch(_ message: String, _ other: [String: JSONValue]) -> EngineError {
            var details: [String: JSONValue] = ["library_id": .string(library), "library_model": .string(model)]
            if !name.isEmpty { details["library_provider"] = .string(name) }
            return EngineError(.embeddingModelMismatch, message: message, details: details.merging(other) { $1 })
        }
        guard let bound else {
            throw mismatch(
                "library \(library) embeds with \(recorded), which this server does not configure (it has \(embedders.catalogue)); "
                    + "configure it, or move the library with a regenerate_embeddings job naming an 'embedding_model'",
                ["configured": .array(embedders.names.map(JSONValue.string))])
        }
        guard bound.modelName == model else {
            throw mismatch(
                "library \(library) embeds with \(recorded), but provider '\(bound.name)' now serves '\(bound.modelName)'; "
                    + "move the library with a regenerate_embeddings job naming it",
                ["provider_model": .string(bound.modelName)])
        }
        if let requested, requested != bound.name, requested != bound.modelName {
            throw mismatch(
                "library \(library) embeds with \(recorded), not '\(requested)'; its texts and queries are embedded by its own model",
                ["requested_model": .string(requested)])
        }
        return bound
    }

    /// Calls `provider`, turning its failures into the `embedding_*` errors and checking its
    /// answer: one finite vector of the provider's dimension per text.
    func embed(_ texts: [String], purpose: EmbeddingPurpose, with provider: CachingEmbedder) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let vectors: [[Float]]
        let start = ContinuousClock.now
        do {
            vectors = try await provider.embed(texts, purpose: purpose)
        } catch let error as EmbeddingError {
            throw EngineError.embedding(error)
        } catch {
            throw EngineError.embeddingFailed("\(error)")
        }
        observers.current?.embedded(texts: texts.count, seconds: (ContinuousClock.now - start) / .seconds(1))
        let dimension = provider.dimension
        guard vectors.count == texts.count, vectors.allSatisfy({ $0.count == dimension && $0.allSatisfy(\.isFinite) }) else {
            throw EngineError(.embeddingInvalid, message: "the embedding provider '\(provider.name)' returned malformed vectors")
        }
        return vectors
    }

    /// Throws unless `provider` gives vectors of the library's dimension (a provider that has
    /// not learned its dimension yet is checked on its first answer).
    func checkProviderDimension(_ provider: CachingEmbedder, library dimension: Int?, advice: String) throws {
        guard let dimension, provider.dimension > 0, provider.dimension != dimension else { return }
        throw EngineError(
            .dimensionMismatch,
            message: "the library holds \(dimension)-dimensional vectors but its embedding model "
                + "'\(provider.modelName)' gives \(provider.dimension); \(advice)")
    }

    /// Runs `search` with `text` embedded as a query by the library's model. When the library
    /// moved to another model between the embedding and the search (a `regenerate_embeddings`
    /// swap), embeds again with the new one and searches again, so an answer never compares two
    /// models' vectors and a move fails no search.
    func searching<Result>(
        _ text: String, in store: LibraryStore, requestedModel: String? = nil, _ search: ([Float]) throws -> Result
    ) async throws -> Result {
        var attempts = 0
        while true {
            attempts += 1
            let before = store.embeddingIdentity
            let provider = try embeddingProvider(for: store, requested: requestedModel)
            try checkProviderDimension(provider, library: before.dimension, advice: "search with 'query_vector'")
            let vector = try await embed([text], purpose: .query, with: provider)[0]
            let outcome: Swift.Result<Result, any Error> = Swift.Result { try search(vector) }
            let after = store.embeddingIdentity
            if attempts < 3, (before.provider, before.model, before.dimension) != (after.provider, after.model, after.dimension) { continue }
            return try outcome.get()
        }
    }
}

extension EngineError {
    /// A document embedded for a library's old model reached the store after the library moved
    /// to another (the swap of a `regenerate_embeddings` job); the engine embeds it again.
    static func libraryMoved(_ library: String, to model: String) -> EngineError {
        EngineError(
            .embeddingModelMismatch,
            message: "library \(library) moved to embedding model '\(model)' while the document's texts were embedded; send it again",
            details: ["library_id": .string(library), "library_model": .string(model), "reason": .string("library_moved")])
    }

    /// Whether this is `libraryMoved`.
    var isLibraryMoved: Bool { details?["reason"] == .string("library_moved") }
}
