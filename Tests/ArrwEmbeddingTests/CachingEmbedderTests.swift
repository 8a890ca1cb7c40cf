import ArrwEmbedding
import Synchronization
import Testing

/// A provider that counts the texts it is asked for and answers each with its length, plus 1
/// for a query (so the two purposes give different vectors).
final class CountingProvider: EmbeddingProvider {
    let modelName: String
    let dimension = 2
    let asked = Mutex<[String]>([])

    init(model: String = "counting") {
        modelName = model
    }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        asked.withLock { $0 += texts }
        return texts.map { [Float($0.count), purpose == .query ? 1 : 0] }
    }
}

@Suite struct CachingEmbedderTests {
    @Test func onlyTextsNotSeenBeforeReachTheProvider() async throws {
        let base = CountingProvider()
        let cached = CachingEmbedder(name: "local", base: base, cache: EmbeddingCache(capacity: 100))
        let first = try await cached.embed(["alpha", "beta"], purpose: .document)
        let second = try await cached.embed(["beta", "gamma", "alpha"], purpose: .document)
        #expect(first == [[5, 0], [4, 0]])
        #expect(second == [[4, 0], [5, 0], [5, 0]])
        #expect(base.asked.withLock { $0 } == ["alpha", "beta", "gamma"])
    }

    @Test func purposeProviderAndModelEachKeepTheirOwnVectors() async throws {
        let cache = EmbeddingCache(capacity: 100)
        let base = CountingProvider()
        let local = CachingEmbedder(name: "local", base: base, cache: cache)
        _ = try await local.embed(["text"], purpose: .document)
        #expect(try await local.embed(["text"], purpose: .query) == [[4, 1]])
        let other = CachingEmbedder(name: "other", base: base, cache: cache)
        _ = try await other.embed(["text"], purpose: .document)
        let renamedModel = CountingProvider(model: "counting-v2")
        _ = try await CachingEmbedder(name: "local", base: renamedModel, cache: cache).embed(["text"], purpose: .document)
        #expect(base.asked.withLock { $0 }.count == 3)
        #expect(renamedModel.asked.withLock { $0 } == ["text"])
        #expect(cache.lookups.hits == 0 && cache.lookups.misses == 4)
    }

    @Test func aZeroCapacityCachePassesEveryTextOn() async throws {
        let base = CountingProvider()
        let cached = CachingEmbedder(name: "local", base: base, cache: EmbeddingCache(capacity: 0))
        _ = try await cached.embed(["a", "a"], purpose: .document)
        _ = try await cached.embed(["a"], purpose: .document)
        #expect(base.asked.withLock { $0 } == ["a", "a", "a"])
    }

    @Test func providersResolveByNameOrByAModelOnlyOneServes() {
        let providers = EmbeddingProviders(
            ["local": CountingProvider(model: "mini"), "ollama": CountingProvider(model: "nomic"), "tei": CountingProvider(model: "nomic")],
            defaultName: "local")
        #expect(providers.names == ["local", "ollama", "tei"])
        guard case .found(let byName) = providers.resolve("ollama"), case .found(let byModel) = providers.resolve("mini") else {
            Issue.record("a provider's name and a model only it serves must resolve")
            return
        }
        #expect(byName.name == "ollama" && byModel.name == "local")
        guard case .ambiguous(let names) = providers.resolve("nomic") else {
            Issue.record("a model two providers serve is ambiguous")
            return
        }
        #expect(names == ["ollama", "tei"])
        guard case .unknown = providers.resolve("embed-english-v3.0") else {
            Issue.record("a model no provider serves is unknown")
            return
        }
    }
}
