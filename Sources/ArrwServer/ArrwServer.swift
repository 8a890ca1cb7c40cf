import ArrwEmbedding
import ArrwEngine
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// The composition root: builds the embedding provider, the engine and the HTTP application
/// from a `ServerConfiguration`. `arrwdb serve` and the tests both start the server through it.
public enum ArrwServer {
    public static let version = "0.1.0"

    /// The provider named by `EMBEDDING_PROVIDER`, or a `ConfigurationError` saying why not.
    public static func makeEmbedder(_ configuration: ServerConfiguration) throws -> any EmbeddingProvider {
        switch configuration.embeddingProvider {
        case "hash":
            return HashEmbedder(dimension: configuration.embeddingDimension)
        case "local":
            do {
                return try MiniLMEmbedder(modelDirectory: configuration.embeddingModelPath, threads: configuration.embeddingThreads)
            } catch let error as EmbeddingError {
                throw ConfigurationError(
                    variable: "EMBEDDING_MODEL_PATH", value: configuration.embeddingModelPath, expected: error.message)
            }
        default:
            throw ConfigurationError(
                variable: "EMBEDDING_PROVIDER", value: configuration.embeddingProvider,
                expected: "'local' or 'hash': the '\(configuration.embeddingProvider)' provider is not available in this build yet")
        }
    }

    /// Every route of the API, behind the error envelope (and auth and rate limits when configured).
    public static func makeRouter(database: Database, configuration: ServerConfiguration) -> Router<ArrwRequestContext> {
        let router = Router(context: ArrwRequestContext.self)
        router.add(middleware: ErrorEnvelopeMiddleware())
        if !configuration.apiKeys.isEmpty {
            router.add(middleware: APIKeyMiddleware(keys: configuration.apiKeys))
        }
        if configuration.rateLimitEnabled {
            router.add(middleware: RateLimitMiddleware(perMinute: configuration.rateLimitPerMinute))
        }
        let body = JSONBodyReader(maxBytes: configuration.maxRequestBodyBytes)
        HealthRoutes(database: database, version: version).register(on: router)
        let libraries = router.group("v1/libraries")
        LibraryRoutes(database: database, body: body).register(on: libraries)
        DocumentRoutes(database: database, body: body).register(on: libraries)
        SearchRoutes(database: database, body: body).register(on: libraries)
        return router
    }

    /// The whole server, ready for `runService()` (which stops cleanly on SIGTERM and SIGINT).
    public static func makeApplication(
        configuration: ServerConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger
    ) throws -> some ApplicationProtocol {
        let database = Database(embedder: try makeEmbedder(configuration), limits: configuration.limits)
        let router = makeRouter(database: database, configuration: configuration)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "arrwDB"),
            eventLoopGroupProvider: eventLoopGroup.map { .shared($0) } ?? .singleton,
            logger: logger)
    }

    /// Runs the server on `configuration.workers` event-loop threads until SIGTERM or SIGINT,
    /// then stops accepting, finishes in-flight requests and returns.
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.workers)
        let application = try makeApplication(configuration: configuration, eventLoopGroup: group, logger: logger)
        logger.info(
            "arrwDB \(version) listening on http://\(configuration.host):\(configuration.port); data is held in memory only")
        try await application.runService()
        try await group.shutdownGracefully()
        logger.info("arrwDB stopped")
    }
}
