import ArrwEmbedding
import ArrwEmbeddingRemote
import ArrwEngine
import AsyncHTTPClient
import Foundation

/// One embedding provider as configured: its kind and what that kind needs. The default
/// provider is made from the flat variables (`EMBEDDING_PROVIDER`, `EMBEDDING_MODEL`, ...);
/// more come from `EMBEDDING_PROVIDERS` (a JSON object, inline or `@path` to a file), each
/// under its own name:
///
/// ```json
/// {"ollama": {"type": "openai", "base_url": "http://127.0.0.1:11434/v1", "model": "nomic-embed-text"},
///  "cohere": {"type": "cohere", "api_key_env": "COHERE_API_KEY", "model": "embed-english-v3.0"}}
/// ```
///
/// Fields: `type` (`local`, `hash`, `cohere`, `openai`; required), `model`, `dimension`,
/// `base_url`, `api_key` or `api_key_env` (the variable holding the key, so the file holds no
/// secret), `model_path` (`local`). Unknown fields are refused. Names are 1–64 of `a-z 0-9 _ -`.
public struct EmbeddingProviderSettings: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case local, hash, cohere, openai
    }

    public var kind: Kind
    public var model: String?
    public var dimension: Int?
    public var baseURL: String?
    public var apiKey: String?
    public var modelPath: String?

    public init(kind: Kind, model: String? = nil, dimension: Int? = nil, baseURL: String? = nil, apiKey: String? = nil, modelPath: String? = nil) {
        self.kind = kind
        self.model = model
        self.dimension = dimension
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.modelPath = modelPath
    }

    /// Reads `EMBEDDING_PROVIDERS`' JSON (`text`); `environment` gives `api_key_env` keys.
    static func parse(_ text: String, environment: [String: String], maxDimension: Int) throws -> [String: EmbeddingProviderSettings] {
        func refuse(_ expected: String) -> ConfigurationError {
            ConfigurationError(variable: "EMBEDDING_PROVIDERS", value: String(text.prefix(80)), expected: expected)
        }
        guard let object = (try? JSONValue.parse(Array(text.utf8)))?.object else {
            throw refuse("a JSON object of provider names to settings ({\"name\": {\"type\": ...}})")
        }
        let known: Set = ["type", "model", "dimension", "base_url", "api_key", "api_key_env", "model_path"]
        return try object.reduce(into: [:]) { providers, entry in
            let (name, value) = entry
            guard name.range(of: "^[a-z0-9_-]{1,64}$", options: .regularExpression) != nil else {
                throw refuse("provider names of 1-64 characters a-z, 0-9, '_' or '-' ('\(name)' is not)")
            }
            guard let fields = value.object else { throw refuse("an object of settings for provider '\(name)'") }
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw refuse("only \(known.sorted().joined(separator: ", ")) for provider '\(name)' (not '\(unknown)')")
            }
            guard let type = fields["type"]?.string, let kind = Kind(rawValue: type) else {
                throw refuse("a 'type' of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")) for provider '\(name)'")
            }
            func string(_ key: String) throws -> String? {
                switch fields[key] {
                case nil, .null?: return nil
                case .string(let text)? where !text.isEmpty: return text
                default: throw refuse("a non-empty string '\(key)' for provider '\(name)'")
                }
            }
            var settings = EmbeddingProviderSettings(kind: kind, model: try string("model"), baseURL: try string("base_url"), modelPath: try string("model_path"))
            if let dimension = fields["dimension"], dimension != .null {
                guard let number = dimension.number, number == number.rounded(), (1...Double(maxDimension)).contains(number) else {
                    throw refuse("a 'dimension' of 1-\(maxDimension) for provider '\(name)'")
                }
                settings.dimension = Int(number)
            }
            if let base = settings.baseURL, !(base.hasPrefix("http://") || base.hasPrefix("https://")) {
                throw refuse("an http:// or https:// 'base_url' for provider '\(name)'")
            }
            settings.apiKey = try string("api_key")
            if let variable = try string("api_key_env") {
                guard let key = environment[variable], !key.isEmpty else {
                    throw refuse("the variable \(variable) (provider '\(name)''s api_key_env) to hold a key")
                }
                settings.apiKey = key
            }
            providers[name] = settings
        }
    }

    /// The provider these settings describe, calling out through `client`; a
    /// `ConfigurationError` when something it needs is missing, naming `EMBEDDING_PROVIDERS`
    /// for an entry of it (`fromProvidersFile`), else the flat variable that was missing.
    func makeProvider(
        name: String, threads: Int, defaultModelPath: String, client: HTTPClient, fromProvidersFile: Bool
    ) throws -> any EmbeddingProvider {
        func variable(_ flat: String) -> String { fromProvidersFile ? "EMBEDDING_PROVIDERS" : flat }
        switch kind {
        case .hash:
            return HashEmbedder(dimension: dimension ?? 384)
        case .local:
            let path = modelPath ?? defaultModelPath
            do {
                return try MiniLMEmbedder(modelDirectory: ResourcePaths.resolve(path), threads: threads)
            } catch let error as EmbeddingError {
                throw ConfigurationError(variable: variable("EMBEDDING_MODEL_PATH"), value: path, expected: error.message)
            }
        case .cohere:
            guard let apiKey else {
                throw ConfigurationError(variable: variable("COHERE_API_KEY"), value: name, expected: "a Cohere API key for provider '\(name)'")
            }
            let model = model ?? CohereEmbedder.defaultModel
            guard let dimension = dimension ?? CohereEmbedder.knownDimensions[model] else {
                throw ConfigurationError(
                    variable: variable("EMBEDDING_DIMENSION"), value: name,
                    expected: "the vector length of Cohere's '\(model)', which this build does not know")
            }
            return CohereEmbedder(apiKey: apiKey, baseURL: baseURL ?? CohereEmbedder.defaultBaseURL, model: model, dimension: dimension, client: client)
        case .openai:
            guard let model else {
                throw ConfigurationError(variable: variable("EMBEDDING_MODEL"), value: name, expected: "the model provider '\(name)' asks for")
            }
            return OpenAIEmbedder(baseURL: baseURL ?? OpenAIEmbedder.defaultBaseURL, apiKey: apiKey, model: model, dimension: dimension, client: client)
        }
    }
}

extension ArrwServer {
    /// Every configured provider: those of `EMBEDDING_PROVIDERS` by name, and the default
    /// (`EMBEDDING_PROVIDER`: one of them, or a kind made from the flat variables under the
    /// kind's name). Remote ones call out through `client`.
    public static func makeEmbedders(_ configuration: ServerConfiguration, client: HTTPClient = RemoteHTTP.shared) throws -> EmbeddingProviders {
        var settings = configuration.namedProviders
        let defaultName = configuration.embeddingProvider
        if settings[defaultName] == nil {
            guard let kind = EmbeddingProviderSettings.Kind(rawValue: defaultName) else {
                throw ConfigurationError(
                    variable: "EMBEDDING_PROVIDER", value: defaultName,
                    expected: "one of \(EmbeddingProviderSettings.Kind.allCases.map(\.rawValue).joined(separator: ", ")) or a name from EMBEDDING_PROVIDERS")
            }
            settings[defaultName] = EmbeddingProviderSettings(
                kind: kind, model: configuration.embeddingModel, dimension: configuration.embeddingDimension,
                baseURL: kind == .cohere ? configuration.cohereBaseURL : kind == .openai ? configuration.openAIBaseURL : nil,
                apiKey: kind == .cohere ? configuration.cohereAPIKey : kind == .openai ? configuration.openAIAPIKey : nil)
        }
        let providers = try settings.reduce(into: [String: any EmbeddingProvider]()) { providers, entry in
            providers[entry.key] = try entry.value.makeProvider(
                name: entry.key, threads: configuration.embeddingThreads, defaultModelPath: configuration.embeddingModelPath, client: client,
                fromProvidersFile: configuration.namedProviders[entry.key] != nil)
        }
        return EmbeddingProviders(providers, defaultName: defaultName, cacheCapacity: configuration.embeddingCacheSize)
    }
}
