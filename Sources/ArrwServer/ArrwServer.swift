import ArrwEmbedding
import ArrwEmbeddingRemote
import ArrwEngine
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The composition root: builds the embedding providers, the engine and the HTTP application
/// from a `ServerConfiguration`. `arrwdb serve` and the tests both start the server through it.
public enum ArrwServer {
    public static let version = "0.1.0"

    /// Every HTTP route of the API, behind the request log, security headers, CORS, the error
    /// envelope and `access` (API keys and rate limits, shared with the WebSocket router). With
    /// metrics on, it also hands `database` the observer that records its work into the
    /// router's registry.
    static func makeRouter(
        database: Database, jobs: JobQueue, configuration: ServerConfiguration, access: AccessControl,
        connections: ConnectionGuard? = nil, webSockets: WebSocketGauges? = nil, webhooks: WebhookDispatcher? = nil,
        outbound: HTTPClient = RemoteHTTP.shared
    ) -> Router<ArrwRequestContext> {
        let router = Router(context: ArrwRequestContext.self)
        let metrics = PrometheusCollectorRegistry()
        if configuration.metricsEnabled {
            database.observe(with: PrometheusEngineObserver(registry: metrics))
            router.add(middleware: RequestMetricsMiddleware(registry: metrics))
        }
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        if !configuration.corsOrigins.isEmpty { router.add(middleware: CORSMiddleware(origins: configuration.corsOrigins)) }
        router.add(middleware: ErrorEnvelopeMiddleware())
        let routes = RouteTable()
        router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
        router.add(middleware: AccessMiddleware(access: access))
        let body = JSONBodyReader(maxBytes: configuration.maxRequestBodyBytes)
        HealthRoutes(database: database, version: version).register(on: router)
        MetricsRoute(database: database, registry: metrics, connections: connections, webSockets: webSockets).register(on: router)
        DocsRoutes(assetsPath: ResourcePaths.resolve(configuration.docsAssetsPath)).register(on: router)
        EventRoutes(
            database: database, access: access, queueLimit: configuration.eventQueueLimit, keepAlive: .seconds(configuration.sseKeepAliveSeconds)
        ).register(on: router)
        let libraries = router.group("v1/libraries")
        LibraryRoutes(database: database, jobs: jobs, body: body).register(on: libraries)
        IndexRoutes(jobs: jobs, body: body).register(on: libraries)
        DocumentRoutes(database: database, body: body).register(on: libraries)
        OriginalDocumentRoutes(database: database, body: body).register(libraries: libraries, router: router)
        SearchRoutes(database: database, body: body).register(on: libraries)
        OriginalSearchRoutes(database: database, body: body).register(on: libraries)
        HybridSearchRoute(database: database, body: body).register(on: libraries)
        let reranker = configuration.cohereAPIKey.map { CohereReranker(apiKey: $0, baseURL: configuration.cohereBaseURL, client: outbound) }
        RerankSearchRoute(database: database, body: body, reranker: reranker).register(on: libraries)
        JobRoutes(queue: jobs, body: body).register(on: router.group("v1/jobs"))
        WebSocketStatsRoute(gauges: webSockets, database: database).register(on: router)
        if let webhooks { WebhookRoutes(dispatcher: webhooks, database: database, body: body).register(on: router) }
        TenantRoutes(database: database, body: body).register(on: router)
        routes.set(router.routes.map { ($0.path.description, $0.method.rawValue) })
        return router
    }

    /// Opens the database `configuration` names: durable in `dataDirectory` (recovered from
    /// its snapshot and write-ahead log), or in memory when that is nil. Remote embedding
    /// providers call out through `outbound`.
    public static func openDatabase(
        configuration: ServerConfiguration, logger: Logger, outbound: HTTPClient = RemoteHTTP.shared
    ) throws -> (Database, RecoveryReport?) {
        let embedders = try makeEmbedders(configuration, client: outbound)
        guard let directory = configuration.dataDirectory else {
            logger.warning("DATA_DIR is :memory:; nothing will survive a restart")
            return (Database(embedders: embedders, limits: configuration.limits), nil)
        }
        let policy: WALSyncPolicy = configuration.walSyncIntervalSeconds > 0 ? .interval(configuration.walSyncIntervalSeconds) : .always
        let (database, report) = try Database.open(
            directory: directory, embedders: embedders, limits: configuration.limits, syncPolicy: policy)
        logger.info(
            "recovered \(directory)",
            metadata: [
                "snapshot": "\(report.snapshotPath ?? "none")", "snapshot_sequence": "\(report.snapshotSequence)",
                "snapshot_load_seconds": "\(report.snapshotLoadSeconds)", "wal_records_replayed": "\(report.walRecordsReplayed)",
                "wal_replay_seconds": "\(report.walReplaySeconds)", "last_sequence": "\(report.lastSequence)",
                "libraries": "\(report.libraries)", "documents": "\(report.documents)",
            ])
        for rejected in report.rejectedSnapshots { logger.error("skipped a damaged snapshot: \(rejected)") }
        for section in report.skippedSections { logger.warning("skipped an optional snapshot section this build does not know: \(section)") }
        if let torn = report.tornTail { logger.warning("the write-ahead log had a torn tail (a crash mid-write): \(torn)") }
        return (database, report)
    }

    /// The HTTP application over `database` (a fresh in-memory one when nil, as tests use):
    /// the HTTP and WebSocket routers behind one `AccessControl`.
    public static func makeApplication(
        configuration: ServerConfiguration,
        database: Database? = nil,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        outbound: HTTPClient = RemoteHTTP.shared,
        logger: Logger
    ) throws -> some ApplicationProtocol & Service {
        let database = try database ?? Database(embedders: makeEmbedders(configuration, client: outbound), limits: configuration.limits)
        let access = AccessControl(configuration: configuration, database: database)
        let exportDirectory = configuration.dataDirectory.map { $0 + "/exports" }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("arrwdb-exports-\(UUID().uuidString)").path
        let jobs = JobQueue(
            database: database,
            options: try .init(
                workers: configuration.jobWorkers, maxPending: configuration.maxPendingJobs,
                exportDirectory: exportDirectory, exportRetentionSeconds: Double(configuration.exportRetentionSeconds)))
        let connections = ConnectionGuard(configuration: configuration)
        let webSockets = WebSocketGauges()
        let webhooks = try WebhookDispatcher(
            database: database, client: outbound, dataDirectory: configuration.dataDirectory,
            allowedHosts: configuration.webhookAllowedHosts, queueLimit: configuration.eventQueueLimit, logger: logger)
        let webSocketResponder = WebSocketRoutes.router(database: database, configuration: configuration, access: access, gauges: webSockets)
            .buildResponder()
        return Application(
            router: makeRouter(
                database: database, jobs: jobs, configuration: configuration, access: access, connections: connections, webSockets: webSockets,
                webhooks: webhooks, outbound: outbound),
            server: HTTPServerBuilder { responder in
                GuardedChildChannel(
                    inner: HTTP1WebSocketUpgradeChannel(
                        responder: responder, webSocketResponder: webSocketResponder,
                        configuration: .init(
                            http1: .init(additionalChannelHandlers: [RequestProgressHandler()]),
                            ws: .init(maxFrameSize: WebSocketSession.maxMessageBytes))),
                    connections: connections)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "arrwDB"),
            services: [JobService(queue: jobs), webhooks],
            eventLoopGroupProvider: eventLoopGroup.map { .shared($0) } ?? .singleton,
            logger: logger)
    }

    /// Recovers the database, then serves on `configuration.workers` event-loop threads until
    /// SIGTERM or SIGINT; then stops accepting, finishes in-flight requests, writes a final
    /// snapshot, closes the log and returns. While the database opens, `StartupServer` answers
    /// on the address (`/readiness` 503).
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        raiseFileLimit(toServe: configuration.maxConnections, logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.workers)
        let outbound = RemoteHTTP.makeClient(on: group)
        let (database, recovery) = try await StartupServer.answering(
            while: "recovering the data directory and loading the embedding model", configuration: configuration,
            eventLoopGroup: group, logger: logger
        ) { try openDatabase(configuration: configuration, logger: logger, outbound: outbound) }
        let application = try makeApplication(
            configuration: configuration, database: database, eventLoopGroup: group, outbound: outbound, logger: logger)
        let snapshots = SnapshotService(
            database: database, interval: .seconds(configuration.snapshotIntervalSeconds),
            afterRecovery: (recovery?.walRecordsReplayed ?? 0) > 0, logger: logger)
        let services = ServiceGroup(
            configuration: .init(
                // Shut down in reverse: the application, then the snapshots, then the outbound client.
                services: [.init(service: HTTPClientService(client: outbound)), .init(service: snapshots), .init(service: application)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info(
            "arrwDB \(version) listening on http://\(configuration.host):\(configuration.port)",
            metadata: ["data_dir": "\(configuration.dataDirectory ?? ":memory:")"])
        try await services.run()
        try await group.shutdownGracefully()
        logger.info("arrwDB stopped")
    }

    /// Raises the soft limit on open files to the hard one, since each connection holds a file
    /// descriptor; warns when even that cannot hold `MAX_CONNECTIONS` plus the server's own files.
    static func raiseFileLimit(toServe connections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(RLIMIT_NOFILE_VALUE, &limit)
            _ = getrlimit(RLIMIT_NOFILE_VALUE, &limit)
        }
        if limit.rlim_cur < rlim_t(connections + 256) {
            logger.warning(
                "the open-file limit (\(limit.rlim_cur)) is below MAX_CONNECTIONS (\(connections)) plus the server's own files; connections beyond it fail to open")
        }
    }
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_VALUE = Int32(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
