import Foundation
import ArrwEngine
import Logging
import NIOCore

/// Every setting of the server, each with its default and the environment variable that sets
/// it (SPEC.md, "Configuration"). Built by `fromEnvironment`, which rejects a bad value with a
/// `ConfigurationError` naming the variable; command-line flags override afterwards.
public struct ServerConfiguration: Sendable {
    /// `HOST`: the address to bind. Default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// `PORT`: the TCP port, 0 for any free one. Default 8000.
    public var port = 8000
    /// `WORKERS`: event-loop threads serving connections. Default: one per core.
    public var workers = System.coreCount
    /// `LOG_LEVEL`: trace, debug, info, notice, warning, error or critical. Default info.
    public var logLevel = Logger.Level.info
    /// `LOG_JSON_FORMAT`: one JSON object per log line when true. Default false.
    public var logJSONFormat = false
    /// `EMBEDDING_PROVIDER`: the provider of libraries created without `embedding_model`: a
    /// name from `EMBEDDING_PROVIDERS`, or a kind made from the variables below under its own
    /// name: `local` (native all-MiniLM-L6-v2, 384 dimensions), `hash` (deterministic, for
    /// tests), `cohere` (Cohere's embed API; `COHERE_API_KEY` required) or `openai` (any
    /// OpenAI-compatible `/v1/embeddings`: OpenAI, Ollama, TEI, vLLM; `EMBEDDING_MODEL`
    /// required). Default `local`.
    public var embeddingProvider = "local"
    /// `EMBEDDING_PROVIDERS`: more providers, each under a name a library can choose with
    /// `embedding_model`: a JSON object, inline or `@path` to a file holding it (see
    /// `EmbeddingProviderSettings`). Default none.
    public var namedProviders: [String: EmbeddingProviderSettings] = [:]
    /// `EMBEDDING_CACHE_SIZE`: vectors the embedding cache (shared by every provider) holds;
    /// 0 turns it off. Default 10000.
    public var embeddingCacheSize = 10_000
    /// `EMBEDDING_MODEL`: the model a remote provider is asked for. Default for `cohere`
    /// `embed-english-v3.0`; `openai` needs one.
    public var embeddingModel: String?
    /// `EMBEDDING_DIMENSION`: the vector length of the `hash` provider (default 384), of a
    /// `cohere` model this build does not know, or of an `openai` model (else learned from its
    /// first answer).
    public var embeddingDimension: Int?
    /// `OPENAI_BASE_URL`: the OpenAI-compatible API's root, `/v1` included. Default
    /// `https://api.openai.com/v1`; Ollama serves `http://127.0.0.1:11434/v1`.
    public var openAIBaseURL = "https://api.openai.com/v1"
    /// `OPENAI_API_KEY`: sent as `Authorization: Bearer` when set. Default none.
    public var openAIAPIKey: String?
    /// `EMBEDDING_MODEL_PATH`: the folder of the local model's weights. Default
    /// `models/all-MiniLM-L6-v2`; a relative path missing under the working directory is looked
    /// for above the executable (`ResourcePaths`), so the server starts from any folder.
    public var embeddingModelPath = "models/all-MiniLM-L6-v2"
    /// `EMBEDDING_THREADS`: threads the local model uses per forward pass. Default: one per core.
    public var embeddingThreads = System.coreCount
    /// `COHERE_API_KEY`: the key for the `cohere` provider and the `cohere` rerank method.
    /// Default none (the method then answers 400 `reranker_unavailable`).
    public var cohereAPIKey: String?
    /// `COHERE_BASE_URL`: where Cohere's API is. Default `https://api.cohere.com`.
    public var cohereBaseURL = "https://api.cohere.com"
    /// `MAX_CHUNKS_PER_DOCUMENT`, `MAX_TEXT_LENGTH_PER_CHUNK`, `MAX_SEARCH_RESULTS`: see `EngineLimits`.
    public var limits = EngineLimits()
    /// `MAX_REQUEST_BODY_BYTES`: the largest request body accepted; larger is a 413. Default 32 MiB.
    public var maxRequestBodyBytes = 32 * 1024 * 1024
    /// `RATE_LIMIT_ENABLED`: limit requests per client (API key, else address). Default false.
    public var rateLimitEnabled = false
    /// `RATE_LIMIT_PER_MINUTE`: requests each client may make per minute. Default 600.
    public var rateLimitPerMinute = 600
    /// `API_KEYS`: comma-separated keys; when set every route but `/health` and `/readiness`
    /// needs `Authorization: Bearer KEY` or `X-API-Key: KEY`. Default none (open).
    public var apiKeys: [String] = []
    /// `ADMIN_API_KEY`: comma-separated keys that unlock the tenant admin routes
    /// (`/v1/admin/tenants`) and `/metrics`, and see every library. Default none (no admin).
    public var adminAPIKeys: [String] = []
    /// `DATA_DIR`: the data directory (write-ahead log, snapshots, lock file). Default `./data`.
    /// The value `:memory:` (nil here) keeps everything in memory: nothing survives a restart.
    public var dataDirectory: String? = "./data"
    /// `SNAPSHOT_INTERVAL_SECONDS`: seconds between snapshots (one is also written on clean
    /// shutdown). Default 3600.
    public var snapshotIntervalSeconds = 3600
    /// `WAL_SYNC_INTERVAL_SECONDS`: 0 (the default) fsyncs the log before acknowledging a write,
    /// shared by concurrent writers; above 0, writes are acknowledged once handed to the OS and
    /// the log is fsynced that often, so a power loss (not a crash) can lose that many seconds.
    public var walSyncIntervalSeconds = 0.0
    /// `JOB_WORKERS`: background job workers (the job queue runs this many jobs at once). Default 4.
    public var jobWorkers = 4
    /// `MAX_PENDING_JOBS`: unfinished jobs allowed at once; a submission beyond answers 429.
    /// Default 10,000.
    public var maxPendingJobs = 10_000
    /// `EXPORT_RETENTION_SECONDS`: how long a `batch_export` file is kept after it was written
    /// (in `DATA_DIR/exports`, or a temporary directory with `DATA_DIR=:memory:`). Default 86,400 (a day).
    public var exportRetentionSeconds = 86_400
    /// `EVENT_QUEUE_LIMIT`: events that may wait unread for one SSE or WebSocket subscriber
    /// before it is disconnected as too slow. Default 4096.
    public var eventQueueLimit = 4096
    /// `WS_OUTBOUND_QUEUE_LIMIT`: messages (responses and events) that may wait unsent to one
    /// WebSocket client before it is closed as not reading. Default 256.
    public var webSocketOutboundLimit = 256
    /// `SSE_KEEPALIVE_SECONDS`: an idle `GET /v1/events` stream sends a `: keep-alive` comment
    /// this often, so proxies keep it open and a vanished client is noticed. Default 15.
    public var sseKeepAliveSeconds = 15
    /// `WS_OUTBOUND_QUEUE_BYTES`: bytes that may wait unsent to one WebSocket client before it
    /// is closed as not reading. Default 8 MiB.
    public var webSocketOutboundBytes = 8 << 20

    /// `CORS_ORIGINS`: comma-separated origins (`https://app.example`) whose browser pages may
    /// call the API, or `*` for any. Default none: no CORS headers, so browsers keep other
    /// origins' pages from reading answers.
    public var corsOrigins: [String] = []
    /// Hosts webhooks may be sent to besides loopback (`WEBHOOK_ALLOWED_HOSTS`, comma-separated;
    /// `*` allows every host). Empty: loopback only, so the server cannot be turned against the
    /// network it sits in.
    public var webhookAllowedHosts: [String] = []
    /// `METRICS_ENABLED`: count and time every request, search, write, embedding call, index
    /// build and snapshot for `GET /metrics`. Default true. The gauges read at scrape time (and
    /// the totals behind them) are served either way.
    public var metricsEnabled = true
    /// `REQUEST_READ_TIMEOUT_SECONDS`: a request's head must arrive whole within this long of
    /// the connection opening (or of its first byte after a previous answer), and its body may not
    /// go this long without a byte; else the answer is 408 and the connection is closed. A body
    /// that keeps arriving is never cut. Default 30.
    public var requestReadTimeoutSeconds = 30
    /// `IDLE_TIMEOUT_SECONDS`: a keep-alive connection with no request in flight is closed after
    /// this long. Default 75.
    public var idleTimeoutSeconds = 75
    /// `MAX_CONNECTIONS`: open HTTP and WebSocket connections allowed at once; one beyond is
    /// answered 503 `too_many_connections` and closed. Default 10,000 (the process's file limit
    /// must allow it; the server raises its soft limit to the hard one at start).
    public var maxConnections = 10_000
    /// `DOCS_ASSETS_PATH`: the folder of Swagger UI's static files that `GET /docs` serves
    /// (the set-up fills it from the PyPI package `drf-spectacular-sidecar`). Default
    /// `assets/swagger-ui`, found like `EMBEDDING_MODEL_PATH`.
    public var docsAssetsPath = "assets/swagger-ui"

    public init() {}

    /// Reads every variable of SPEC.md from `environment`; absent ones keep their defaults.
    public static func fromEnvironment(_ environment: [String: String]) throws -> ServerConfiguration {
        let reader = EnvironmentReader(environment: environment)
        var config = ServerConfiguration()
        config.host = try reader.string("HOST", nonEmpty: true) ?? config.host
        config.port = try reader.int("PORT", in: 0...65535) ?? config.port
        config.workers = try reader.int("WORKERS", in: 1...1024) ?? config.workers
        if let level = try reader.string("LOG_LEVEL", nonEmpty: true) {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(variable: "LOG_LEVEL", value: level, expected: "one of trace, debug, info, notice, warning, error, critical")
            }
            config.logLevel = parsed
        }
        config.logJSONFormat = try reader.bool("LOG_JSON_FORMAT") ?? config.logJSONFormat
        if var providers = try reader.string("EMBEDDING_PROVIDERS", nonEmpty: true) {
            if providers.hasPrefix("@") {
                let path = String(providers.dropFirst())
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw ConfigurationError(variable: "EMBEDDING_PROVIDERS", value: providers, expected: "@ and a readable JSON file")
                }
                providers = String(decoding: contents, as: UTF8.self)
            }
            config.namedProviders = try EmbeddingProviderSettings.parse(providers, environment: environment, maxDimension: config.limits.maxDimension)
        }
        if let provider = try reader.string("EMBEDDING_PROVIDER", nonEmpty: true) {
            let known = EmbeddingProviderSettings.Kind.allCases.map(\.rawValue) + config.namedProviders.keys.sorted()
            let name = config.namedProviders[provider] != nil ? provider : provider.lowercased()
            guard known.contains(name) else {
                throw ConfigurationError(
                    variable: "EMBEDDING_PROVIDER", value: provider, expected: "one of \(known.joined(separator: ", ")) (a kind, or a name from EMBEDDING_PROVIDERS)")
            }
            config.embeddingProvider = name
        }
        config.embeddingCacheSize = try reader.int("EMBEDDING_CACHE_SIZE", in: 0...100_000_000) ?? config.embeddingCacheSize
        config.embeddingModel = try reader.string("EMBEDDING_MODEL", nonEmpty: true)
        config.embeddingDimension = try reader.int("EMBEDDING_DIMENSION", in: 1...config.limits.maxDimension)
        config.embeddingModelPath = try reader.string("EMBEDDING_MODEL_PATH", nonEmpty: true) ?? config.embeddingModelPath
        config.embeddingThreads = try reader.int("EMBEDDING_THREADS", in: 1...1024) ?? config.embeddingThreads
        config.cohereAPIKey = try reader.string("COHERE_API_KEY", nonEmpty: true)
        if let base = try reader.string("COHERE_BASE_URL", nonEmpty: true) {
            guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw ConfigurationError(variable: "COHERE_BASE_URL", value: base, expected: "an http:// or https:// address")
            }
            config.cohereBaseURL = base
        }
        if let base = try reader.string("OPENAI_BASE_URL", nonEmpty: true) {
            guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw ConfigurationError(variable: "OPENAI_BASE_URL", value: base, expected: "an http:// or https:// address")
            }
            config.openAIBaseURL = base
        }
        config.openAIAPIKey = try reader.string("OPENAI_API_KEY", nonEmpty: true)
        config.limits.maxChunksPerDocument = try reader.int("MAX_CHUNKS_PER_DOCUMENT", in: 1...1_000_000) ?? config.limits.maxChunksPerDocument
        config.limits.maxTextLengthPerChunk = try reader.int("MAX_TEXT_LENGTH_PER_CHUNK", in: 1...100_000_000) ?? config.limits.maxTextLengthPerChunk
        config.limits.maxSearchResults = try reader.int("MAX_SEARCH_RESULTS", in: 1...100_000) ?? config.limits.maxSearchResults
        config.limits.indexTailLimit = try reader.int("INDEX_TAIL_LIMIT", in: 1...100_000_000) ?? config.limits.indexTailLimit
        config.maxRequestBodyBytes = try reader.int("MAX_REQUEST_BODY_BYTES", in: 1024...(1 << 40)) ?? config.maxRequestBodyBytes
        config.rateLimitEnabled = try reader.bool("RATE_LIMIT_ENABLED") ?? config.rateLimitEnabled
        config.rateLimitPerMinute = try reader.int("RATE_LIMIT_PER_MINUTE", in: 1...10_000_000) ?? config.rateLimitPerMinute
        if let keys = try reader.string("API_KEYS", nonEmpty: false) {
            config.apiKeys = keys.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        if let keys = try reader.string("ADMIN_API_KEY", nonEmpty: false) {
            config.adminAPIKeys = keys.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        if let directory = try reader.string("DATA_DIR", nonEmpty: true) {
            config.dataDirectory = directory == ":memory:" ? nil : directory
        }
        config.snapshotIntervalSeconds = try reader.int("SNAPSHOT_INTERVAL_SECONDS", in: 1...(86_400 * 365)) ?? config.snapshotIntervalSeconds
        config.walSyncIntervalSeconds = try reader.double("WAL_SYNC_INTERVAL_SECONDS", in: 0...3600) ?? config.walSyncIntervalSeconds
        config.jobWorkers = try reader.int("JOB_WORKERS", in: 1...256) ?? config.jobWorkers
        config.maxPendingJobs = try reader.int("MAX_PENDING_JOBS", in: 1...10_000_000) ?? config.maxPendingJobs
        config.exportRetentionSeconds = try reader.int("EXPORT_RETENTION_SECONDS", in: 1...(86_400 * 365)) ?? config.exportRetentionSeconds
        config.eventQueueLimit = try reader.int("EVENT_QUEUE_LIMIT", in: 16...1_000_000) ?? config.eventQueueLimit
        config.sseKeepAliveSeconds = try reader.int("SSE_KEEPALIVE_SECONDS", in: 1...3600) ?? config.sseKeepAliveSeconds
        config.webSocketOutboundLimit = try reader.int("WS_OUTBOUND_QUEUE_LIMIT", in: 4...100_000) ?? config.webSocketOutboundLimit
        config.webSocketOutboundBytes = try reader.int("WS_OUTBOUND_QUEUE_BYTES", in: 65_536...(1 << 34)) ?? config.webSocketOutboundBytes
        if let origins = try reader.string("CORS_ORIGINS", nonEmpty: true) {
            config.corsOrigins = origins.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        if let hosts = try reader.string("WEBHOOK_ALLOWED_HOSTS", nonEmpty: true) {
            config.webhookAllowedHosts = hosts.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        config.metricsEnabled = try reader.bool("METRICS_ENABLED") ?? config.metricsEnabled
        config.requestReadTimeoutSeconds = try reader.int("REQUEST_READ_TIMEOUT_SECONDS", in: 1...3600) ?? config.requestReadTimeoutSeconds
        config.idleTimeoutSeconds = try reader.int("IDLE_TIMEOUT_SECONDS", in: 1...86_400) ?? config.idleTimeoutSeconds
        config.maxConnections = try reader.int("MAX_CONNECTIONS", in: 1...1_000_000) ?? config.maxConnections
        config.docsAssetsPath = try reader.string("DOCS_ASSETS_PATH", nonEmpty: true) ?? config.docsAssetsPath
        return config
    }
}

/// A configuration value that cannot be used; the message names the variable.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String { "invalid \(variable)='\(value)': expected \(expected)" }
}

/// Typed access to environment variables; an empty value counts as unset unless asked otherwise.
private struct EnvironmentReader {
    let environment: [String: String]

    func string(_ name: String, nonEmpty: Bool) throws -> String? {
        guard let value = environment[name] else { return nil }
        if nonEmpty && value.trimmingWhitespace().isEmpty { return nil }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(name, nonEmpty: true) else { return nil }
        guard let value = Int(text.trimmingWhitespace()), range.contains(value) else {
            throw ConfigurationError(variable: name, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = try string(name, nonEmpty: true) else { return nil }
        guard let value = Double(text.trimmingWhitespace()), range.contains(value) else {
            throw ConfigurationError(variable: name, value: text, expected: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = try string(name, nonEmpty: true) else { return nil }
        switch text.trimmingWhitespace().lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, value: text, expected: "true or false")
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing ASCII whitespace (space, tab, CR, LF): a byte scan, since it
    /// runs on every request's API key (trimming by `Character` cost several microseconds).
    func trimmingWhitespace() -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let text = String(self)
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        let end = bytes.index(after: last)
        if first == bytes.startIndex && end == bytes.endIndex { return text }
        return String(decoding: bytes[first..<end], as: UTF8.self)
    }
}
