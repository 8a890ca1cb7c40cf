import ArrwEngine
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// What answers on the server's address while it starts (the data directory recovers, the
/// model loads), so probes see it coming up rather than a refused connection: `/health` is 200
/// with status `starting`, `/readiness` is 503 with the reason, and every other request is a
/// 503 `not_ready` envelope with `Retry-After: 1`. Stopped the moment the real application is
/// about to bind the same address.
enum StartupServer {
    /// Serves on `configuration`'s address until `work` returns, then stops and returns `work`'s
    /// result. With port 0 (any free port) there is nothing to hold, so `work` runs alone.
    static func answering<T: Sendable>(
        while reason: String, configuration: ServerConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        guard configuration.port != 0 else { return try work() }
        let application = Application(
            router: router(reason: reason),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "arrwDB"),
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger)
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let serving = Task { try await services.run() }
        let result = await Task.detached { Result { try work() } }.value
        await services.triggerGracefulShutdown()
        _ = await serving.result
        return try result.get()
    }

    static func router(reason: String) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: NotReadyMiddleware(reason: reason))
        router.get("health") { _, _ in
            APIResponse.json(.object(["status": .string("starting"), "version": .string(ArrwServer.version)]))
        }
        router.get("readiness") { _, _ in
            APIResponse.json(.object(["ready": .bool(false), "reason": .string(reason)]), status: .serviceUnavailable)
        }
        return router
    }
}

/// Answers every request but `/health` and `/readiness` with 503 `not_ready`.
private struct NotReadyMiddleware<Context: RequestContext>: RouterMiddleware {
    let reason: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if ["/health", "/readiness"].contains(request.uri.path) { return try await next(request, context) }
        var response = APIResponse.json(
            .object(["error": APIResponse.error(EngineError(ServerErrorCode.notReady, message: "the server is starting: \(reason)"))]),
            status: .serviceUnavailable)
        response.headers[.retryAfter] = "1"
        return response
    }
}
