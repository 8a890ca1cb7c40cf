import Foundation
import ArrwEmbedding
import ArrwEngine
import ArrwServer
import Logging
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsFollowTheSpec() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8000)
        #expect(configuration.limits.maxChunksPerDocument == 1000)
        #expect(configuration.limits.maxTextLengthPerChunk == 10_000)
        #expect(configuration.limits.maxSearchResults == 100)
        #expect(configuration.snapshotIntervalSeconds == 3600)
        #expect(configuration.walSyncIntervalSeconds == 0)
        #expect(configuration.jobWorkers == 4)
        #expect(configuration.embeddingProvider == "local")
        #expect(configuration.embeddingModelPath == "models/all-MiniLM-L6-v2")
        #expect(configuration.cohereBaseURL == "https://api.cohere.com" && configuration.cohereAPIKey == nil)
        #expect(configuration.apiKeys.isEmpty)
        #expect(!configuration.rateLimitEnabled)
        #expect(configuration.logLevel == .info)
    }

    @Test func everyVariableIsRead() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "HOST": "0.0.0.0", "PORT": "9001", "WORKERS": "3", "LOG_LEVEL": "DEBUG", "LOG_JSON_FORMAT": "true",
            "COHERE_API_KEY": "ck", "EMBEDDING_PROVIDER": "hash", "EMBEDDING_MODEL": "m", "EMBEDDING_DIMENSION": "128",
            "RATE_LIMIT_ENABLED": "1", "RATE_LIMIT_PER_MINUTE": "30", "MAX_CHUNKS_PER_DOCUMENT": "7",
            "MAX_TEXT_LENGTH_PER_CHUNK": "99", "MAX_SEARCH_RESULTS": "12", "SNAPSHOT_INTERVAL_SECONDS": "60",
            "WAL_SYNC_INTERVAL_SECONDS": "0.5", "DATA_DIR": "/tmp/arrw", "API_KEYS": "a, b,,c", "JOB_WORKERS": "2",
            "EMBEDDING_MODEL_PATH": "/models/minilm", "MAX_REQUEST_BODY_BYTES": "2048", "EMBEDDING_THREADS": "1",
            "EVENT_QUEUE_LIMIT": "100", "WS_OUTBOUND_QUEUE_LIMIT": "9", "WS_OUTBOUND_QUEUE_BYTES": "100000",
            "SSE_KEEPALIVE_SECONDS": "5", "COHERE_BASE_URL": "http://127.0.0.1:9999", "INDEX_TAIL_LIMIT": "5000",
        ])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9001)
        #expect(configuration.workers == 3)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logJSONFormat)
        #expect(configuration.cohereAPIKey == "ck")
        #expect(configuration.cohereBaseURL == "http://127.0.0.1:9999")
        #expect(configuration.embeddingModel == "m")
        #expect(configuration.embeddingDimension == 128)
        #expect(configuration.rateLimitEnabled)
        #expect(configuration.rateLimitPerMinute == 30)
        #expect(configuration.limits.maxChunksPerDocument == 7)
        #expect(configuration.limits.maxTextLengthPerChunk == 99)
        #expect(configuration.limits.maxSearchResults == 12)
        #expect(configuration.limits.indexTailLimit == 5000)
        #expect(configuration.snapshotIntervalSeconds == 60)
        #expect(configuration.walSyncIntervalSeconds == 0.5)
        #expect(configuration.dataDirectory == "/tmp/arrw")
        #expect(configuration.apiKeys == ["a", "b", "c"])
        #expect(configuration.jobWorkers == 2)
        #expect(configuration.embeddingModelPath == "/models/minilm")
        #expect(configuration.maxRequestBodyBytes == 2048)
        #expect(configuration.embeddingThreads == 1)
        #expect(configuration.eventQueueLimit == 100)
        #expect(configuration.webSocketOutboundLimit == 9)
        #expect(configuration.webSocketOutboundBytes == 100_000)
        #expect(configuration.sseKeepAliveSeconds == 5)
        #expect(try ServerConfiguration.fromEnvironment(["DATA_DIR": ":memory:"]).dataDirectory == nil)
        #expect(ServerConfiguration().dataDirectory == "./data")
    }

    @Test(arguments: [
        ("PORT", "eighty"), ("PORT", "70000"), ("WORKERS", "0"), ("LOG_LEVEL", "loud"), ("LOG_JSON_FORMAT", "maybe"),
        ("EMBEDDING_PROVIDER", "magic"), ("EMBEDDING_DIMENSION", "-1"), ("RATE_LIMIT_ENABLED", "2"),
        ("RATE_LIMIT_PER_MINUTE", "0"), ("MAX_CHUNKS_PER_DOCUMENT", "x"), ("MAX_TEXT_LENGTH_PER_CHUNK", "0"),
        ("MAX_SEARCH_RESULTS", "1.5"), ("SNAPSHOT_INTERVAL_SECONDS", "0"), ("WAL_SYNC_INTERVAL_SECONDS", "-1"),
        ("EVENT_QUEUE_LIMIT", "1"), ("WS_OUTBOUND_QUEUE_LIMIT", "none"), ("WS_OUTBOUND_QUEUE_BYTES", "12"), ("SSE_KEEPALIVE_SECONDS", "0"),
        ("JOB_WORKERS", "none"), ("MAX_REQUEST_BODY_BYTES", "1"), ("EMBEDDING_THREADS", "0"),
        ("COHERE_BASE_URL", "ftp://example.com"), ("INDEX_TAIL_LIMIT", "0"),
    ])
    func badValuesNameTheVariable(variable: String, value: String) {
        let error = #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment([variable: value]) }
        #expect(error?.variable == variable)
        #expect(error?.description.contains(variable) == true)
    }

    @Test func missingModelWeightsStopStartUpNamingThePathAndTheSetUp() throws {
        var configuration = try ServerConfiguration.fromEnvironment(["EMBEDDING_MODEL_PATH": "/nonexistent/minilm"])
        configuration.port = 0
        let error = #expect(throws: ConfigurationError.self) {
            try ArrwServer.makeApplication(configuration: configuration, logger: Logger(label: "test"))
        }
        #expect(error?.variable == "EMBEDDING_MODEL_PATH")
        #expect(error?.description.contains("/nonexistent/minilm") == true)
        #expect(error?.description.contains("scripts/fetch-model") == true)
    }

    @Test("a remote provider missing what it needs stops start-up naming the variable: cohere its key, openai its model, a Cohere model this build does not know its dimension")
    func remoteProvidersNeedTheirSettings() throws {
        for (environment, variable) in [
            (["EMBEDDING_PROVIDER": "cohere"], "COHERE_API_KEY"),
            (["EMBEDDING_PROVIDER": "openai"], "EMBEDDING_MODEL"),
            (["EMBEDDING_PROVIDER": "cohere", "COHERE_API_KEY": "k", "EMBEDDING_MODEL": "embed-v9"], "EMBEDDING_DIMENSION"),
        ] {
            let configuration = try ServerConfiguration.fromEnvironment(environment)
            let error = #expect(throws: ConfigurationError.self) {
                try ArrwServer.makeApplication(configuration: configuration, logger: Logger(label: "test"))
            }
            #expect(error?.variable == variable)
        }
        let ollama = try ServerConfiguration.fromEnvironment([
            "EMBEDDING_PROVIDER": "openai", "EMBEDDING_MODEL": "nomic-embed-text", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
        ])
        #expect(ollama.openAIBaseURL == "http://127.0.0.1:11434/v1" && ollama.openAIAPIKey == nil)
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["OPENAI_BASE_URL": "localhost:11434"]) }
    }

    @Test("EMBEDDING_PROVIDERS names providers, inline or from a file; EMBEDDING_PROVIDER may pick one; a bad entry stops start-up naming it")
    func namedProviders() throws {
        let json = #"{"ollama": {"type": "openai", "base_url": "http://127.0.0.1:11434/v1", "model": "nomic-embed-text"}, "# +
            #""cohere": {"type": "cohere", "api_key_env": "MY_COHERE_KEY"}}"#
        let inline = try ServerConfiguration.fromEnvironment(["EMBEDDING_PROVIDERS": json, "MY_COHERE_KEY": "secret", "EMBEDDING_PROVIDER": "ollama"])
        #expect(inline.embeddingProvider == "ollama")
        #expect(inline.namedProviders["ollama"] == EmbeddingProviderSettings(kind: .openai, model: "nomic-embed-text", baseURL: "http://127.0.0.1:11434/v1"))
        #expect(inline.namedProviders["cohere"]?.apiKey == "secret")
        let embedders = try ArrwServer.makeEmbedders(inline)
        #expect(embedders.names == ["ollama", "cohere"] && embedders.defaultProvider.modelName == "nomic-embed-text")
        #expect(embedders["cohere"]?.modelName == "embed-english-v3.0" && embedders["cohere"]?.dimension == 1024)

        let file = NSTemporaryDirectory() + "providers-\(UUID().uuidString).json"
        try Data(#"{"small": {"type": "hash", "dimension": 8}}"#.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromFile = try ServerConfiguration.fromEnvironment(["EMBEDDING_PROVIDERS": "@" + file, "EMBEDDING_PROVIDER": "hash"])
        let both = try ArrwServer.makeEmbedders(fromFile)
        #expect(both.names == ["hash", "small"] && both["small"]?.modelName == "hash-8")

        for bad in [
            "not json", #"["list"]"#, #"{"Bad Name": {"type": "hash"}}"#, #"{"x": {"type": "magic"}}"#, #"{"x": {"type": "hash", "colour": 1}}"#,
            #"{"x": {"type": "hash", "dimension": 0}}"#, #"{"x": {"type": "openai", "base_url": "ftp://h"}}"#,
            #"{"x": {"type": "cohere", "api_key_env": "UNSET_VARIABLE"}}"#, "@/nonexistent/providers.json",
        ] {
            let error = #expect(throws: ConfigurationError.self, "\(bad)") { try ServerConfiguration.fromEnvironment(["EMBEDDING_PROVIDERS": bad]) }
            #expect(error?.variable == "EMBEDDING_PROVIDERS")
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(["EMBEDDING_PROVIDER": "ollama"]) }
        let noModel = try ServerConfiguration.fromEnvironment(["EMBEDDING_PROVIDERS": #"{"x": {"type": "openai"}}"#, "EMBEDDING_PROVIDER": "hash"])
        let error = #expect(throws: ConfigurationError.self) { try ArrwServer.makeEmbedders(noModel) }
        #expect(error?.variable == "EMBEDDING_PROVIDERS" && error?.expected.contains("'x'") == true)
    }
}
