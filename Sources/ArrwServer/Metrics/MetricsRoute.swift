import ArrwEngine
import Foundation
import Hummingbird
import Prometheus
import Synchronization

/// `GET /metrics`: Prometheus text exposition (format 0.0.4) from a registry this server owns
/// (never a process-wide bootstrap, so servers in one process keep their figures apart). The
/// gauges are read from the engine's statistics at scrape time:
///
/// - `vectordb_libraries_total`, `vectordb_documents_total`, `vectordb_vectors_total`: the
///   original arrwDB's names, which its dashboards use (untyped: see `originalTotals`);
/// - the engine's counters and histograms (`PrometheusEngineObserver`) and its state read at
///   scrape time (`recordEngine`);
/// - per library (`library_id`): `arrwdb_index_pending_vectors` (the fresh tail, written but not
///   yet in the index), `arrwdb_index_build_vectors_per_second` (what the background builder
///   moved over the last 10 s) and `arrwdb_index_memory_bytes`;
/// - per request, from `RequestMetricsMiddleware`: `arrwdb_http_requests_total` and
///   `arrwdb_http_request_duration_seconds`.
///
/// A deleted library's series disappear at the next scrape.
struct MetricsRoute<Context: RequestContext>: Sendable {
    let database: Database
    /// The server's registry, which `RequestMetricsMiddleware` also writes to.
    let registry: PrometheusCollectorRegistry
    /// The server's connections, when it serves any (tests that drive the router have none).
    let connections: ConnectionGuard?
    /// The server's WebSocket sessions, likewise.
    let webSockets: WebSocketGauges?
    private let known = LibrarySeries()
    let counters = CounterMirror()

    init(database: Database, registry: PrometheusCollectorRegistry, connections: ConnectionGuard? = nil, webSockets: WebSocketGauges? = nil) {
        self.database = database
        self.registry = registry
        self.connections = connections
        self.webSockets = webSockets
    }

    func register(on router: Router<Context>) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: scrape())))
        }
    }

    /// Sets every gauge from the engine's statistics, then writes the registry's text.
    func scrape() -> [UInt8] {
        let libraries = database.listLibraries()
        var live: Set<String> = []
        for library in libraries {
            let id = library.id.uuidString.lowercased()
            guard let statistics = try? database.statistics(id) else { continue }
            live.insert(id)
            for gauge in LibraryGauge.allCases {
                registry.makeGauge(descriptor: gauge.descriptor, labels: [("library_id", id)]).set(gauge.value(statistics))
            }
        }
        for gone in known.replace(with: live) {
            for gauge in LibraryGauge.allCases {
                registry.unregisterGauge(registry.makeGauge(descriptor: gauge.descriptor, labels: [("library_id", gone)]))
            }
        }
        if let connections { recordConnections(connections.statistics) }
        if let webSockets { recordWebSockets(webSockets) }
        recordEngine()
        var text = registry.emitToBuffer()
        text += Self.originalTotals(libraries)
        return text
    }

    private func recordWebSockets(_ gauges: WebSocketGauges) {
        registry.makeGauge(descriptor: Self.descriptor("websocket", "sessions", "", "WebSocket sessions open now."))
            .set(Int64(gauges.open.load(ordering: .relaxed)))
        registry.makeGauge(descriptor: Self.descriptor("websocket", "queued", "bytes", "Bytes queued for WebSocket clients and not yet sent."))
            .set(Int64(max(0, gauges.queuedBytes.load(ordering: .relaxed))))
        counters.advance(
            registry, Self.descriptor("websocket", "dropped", "total", "WebSocket clients dropped for not reading their messages."),
            to: Double(gauges.dropped.load(ordering: .relaxed)))
    }

    private func recordConnections(_ statistics: (open: Int, refused: Int, timedOut: Int, idleClosed: Int)) {
        registry.makeGauge(descriptor: .init(
            namespace: "arrwdb", subsystem: "connections", metricName: "open", unitName: "", helpText: "HTTP and WebSocket connections open now."))
            .set(Int64(statistics.open))
        for (name, help, value) in [
            ("refused", "Connections answered 503 too_many_connections because MAX_CONNECTIONS were open.", statistics.refused),
            ("timed_out", "Connections cut with 408 because a request's head or body stalled (REQUEST_READ_TIMEOUT_SECONDS).", statistics.timedOut),
            ("idle_closed", "Keep-alive connections closed after IDLE_TIMEOUT_SECONDS without a request.", statistics.idleClosed),
        ] {
            counters.advance(
                registry, .init(namespace: "arrwdb", subsystem: "connections", metricName: name, unitName: "total", helpText: help), to: Double(value))
        }
    }
}

extension MetricsRoute {
    /// `vectordb_libraries_total`, `vectordb_documents_total` and `vectordb_vectors_total`: the
    /// original arrwDB's names, kept for its dashboards. They are counts at this moment, which
    /// can fall, so they are exposed untyped: a gauge may not end in `_total` and a counter may
    /// not fall (`promtool check metrics` holds both rules).
    static func originalTotals(_ libraries: [LibraryInfo]) -> [UInt8] {
        var text = ""
        for (name, help, value) in [
            ("libraries", "Libraries.", libraries.count),
            ("documents", "Documents in every library.", libraries.reduce(0) { $0 + $1.documentCount }),
            ("vectors", "Chunk vectors in every library.", libraries.reduce(0) { $0 + $1.chunkCount }),
        ] {
            text += "# HELP vectordb_\(name)_total \(help)\n# TYPE vectordb_\(name)_total untyped\nvectordb_\(name)_total \(value)\n"
        }
        return Array(text.utf8)
    }
}

/// A gauge `/metrics` shows per library, read from the library's statistics.
enum LibraryGauge: CaseIterable {
    case pendingVectors, buildRate, memoryBytes

    var descriptor: MetricNameDescriptor {
        let (name, unit, help) = switch self {
        case .pendingVectors: ("pending", "vectors", "Vectors written but not yet in the library's index (its fresh tail, searched exactly).")
        case .buildRate: ("build", "vectors_per_second", "Vectors the background builder moved into the index per second over the last 10 s.")
        case .memoryBytes: ("memory", "bytes", "Bytes the library's index and fresh tail hold.")
        }
        return MetricNameDescriptor(namespace: "arrwdb", subsystem: "index", metricName: name, unitName: unit, helpText: help)
    }

    func value(_ statistics: LibraryStatistics) -> Double {
        switch self {
        case .pendingVectors: Double(statistics.pendingIndexVectors)
        case .buildRate: statistics.indexBuildRate
        case .memoryBytes: Double(statistics.indexMemoryBytes)
        }
    }
}

/// The library ids the last scrape reported.
private final class LibrarySeries: Sendable {
    private let ids = Mutex<Set<String>>([])

    /// Records `live` and returns the ids reported before that are gone now.
    func replace(with live: Set<String>) -> Set<String> {
        ids.withLock { ids in
            defer { ids = live }
            return ids.subtracting(live)
        }
    }
}

/// Counters whose values the engine keeps (monotonic totals), mirrored into the registry at each
/// scrape by adding what was counted since the last one, so they stay Prometheus counters.
final class CounterMirror: Sendable {
    private let reported = Mutex<[String: Double]>([:])

    /// Advances the counter `descriptor` (with `labels`) to `total`.
    func advance(_ registry: PrometheusCollectorRegistry, _ descriptor: MetricNameDescriptor, labels: [(String, String)] = [], to total: Double) {
        let key = descriptor.name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let step = reported.withLock { reported in
            defer { reported[key] = max(total, reported[key] ?? 0) }
            return max(0, total - (reported[key] ?? 0))
        }
        registry.makeCounter(descriptor: descriptor, labels: labels).increment(by: step)
    }
}
