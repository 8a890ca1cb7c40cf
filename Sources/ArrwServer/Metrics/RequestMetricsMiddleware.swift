import Hummingbird
import Prometheus

/// Counts and times every HTTP request into the server's metrics registry (the one `GET
/// /metrics` writes), by route template rather than path, so a library's id never becomes a
/// label: `arrwdb_http_requests_total{method, route, status}` and
/// `arrwdb_http_request_duration_seconds{method, route}`. A path no route matches is counted
/// under the route `NotFound` (Hummingbird's name for it). Outermost, so it sees the status the
/// error envelope gave.
/// A streamed answer (NDJSON, SSE) is timed to when its head is ready, not to its last byte.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "arrwdb", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, by method, route template and status.")
    }

    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "arrwdb", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time to answer an HTTP request (to the head of a streamed answer), by method and route template.")
    }

    /// Finer than Prometheus's default at the low end, where searches answer.
    static var buckets: [Duration] { [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch {
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let method = request.method.rawValue
        let route = context.endpointPath ?? "NotFound"
        registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("method", method), ("route", route)], buckets: Self.buckets)
            .record(ContinuousClock.now - start)
    }
}
