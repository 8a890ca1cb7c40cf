/// A provider behind the shared `EmbeddingCache`, under the name the server knows it by: texts
/// embedded before by this provider, model and purpose are answered from the cache, the rest go
/// to the provider in one call, in order. Answers of the wrong shape are passed on, not cached
/// (the engine refuses them).
public struct CachingEmbedder: EmbeddingProvider {
    /// The provider's name in the server's configuration (`local`, `cohere`, `ollama`, ...).
    public let name: String
    public let base: any EmbeddingProvider
    public let cache: EmbeddingCache

    public init(name: String, base: any EmbeddingProvider, cache: EmbeddingCache) {
        self.name = name
        self.base = base
        self.cache = cache
    }

    public var modelName: String { base.modelName }
    public var dimension: Int { base.dimension }

    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        guard cache.capacity > 0 else { return try await base.embed(texts, purpose: purpose) }
        let scope = EmbeddingCache.Scope(provider: name, model: base.modelName, purpose: purpose)
        var vectors = texts.map { cache.vector(for: $0, in: scope) }
        let missing = vectors.indices.filter { vectors[$0] == nil }
        guard !missing.isEmpty else { return vectors.map { $0! } }
        let computed = try await base.embed(missing.map { texts[$0] }, purpose: purpose)
        guard computed.count == missing.count else { return computed }
        let dimension = base.dimension
        for (index, vector) in zip(missing, computed) {
            vectors[index] = vector
            if vector.count == dimension { cache.store(vector, for: texts[index], in: scope) }
        }
        return vectors.map { $0! }
    }
}
