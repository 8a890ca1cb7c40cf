/// The embedding providers a server has, each under a name, one of them the default for
/// libraries created without `embedding_model`. Every provider sits behind one shared
/// `EmbeddingCache` (`CachingEmbedder`).
///
/// Invariants: at least one provider; `defaultName` is one of them; names are fixed at creation.
public final class EmbeddingProviders: Sendable {
    /// What an `embedding_model` value names.
    public enum Resolution: Sendable {
        case found(CachingEmbedder)
        /// Several providers serve a model of this name; the caller must name the provider.
        case ambiguous([String])
        case unknown
    }

    public let defaultName: String
    public let cache: EmbeddingCache
    private let byName: [String: CachingEmbedder]

    /// - Precondition: `providers` holds `defaultName`.
    public init(_ providers: [String: any EmbeddingProvider], defaultName: String, cacheCapacity: Int = 10_000) {
        precondition(providers[defaultName] != nil, "the default embedding provider '\(defaultName)' is not among the providers")
        let cache = EmbeddingCache(capacity: cacheCapacity)
        self.cache = cache
        self.defaultName = defaultName
        byName = providers.reduce(into: [:]) { $0[$1.key] = CachingEmbedder(name: $1.key, base: $1.value, cache: cache) }
    }

    /// One provider, the default, under `name`.
    public convenience init(only provider: any EmbeddingProvider, named name: String = "default", cacheCapacity: Int = 10_000) {
        self.init([name: provider], defaultName: name, cacheCapacity: cacheCapacity)
    }

    /// The names, the default first, then in order.
    public var names: [String] { [defaultName] + byName.keys.filter { $0 != defaultName }.sorted() }

    /// Every provider, the default first.
    public var all: [CachingEmbedder] { names.map { byName[$0]! } }

    public var defaultProvider: CachingEmbedder { byName[defaultName]! }

    public subscript(name: String) -> CachingEmbedder? { byName[name] }

    /// The provider `choice` names: a provider's name, else the model of exactly one provider.
    public func resolve(_ choice: String) -> Resolution {
        if let named = byName[choice] { return .found(named) }
        let serving = all.filter { $0.modelName == choice }
        switch serving.count {
        case 0: return .unknown
        case 1: return .found(serving[0])
        default: return .ambiguous(serving.map(\.name))
        }
    }

    /// "name (model)" for each provider, for messages that list what is configured.
    public var catalogue: String { all.map { "'\($0.name)' (\($0.modelName))" }.joined(separator: ", ") }
}
