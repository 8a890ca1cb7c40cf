import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The server's one access stack: API keys and rate limits, shared by the HTTP router and the
/// WebSocket router so a client has one token bucket whichever way it comes in.
///
/// With `API_KEYS` set, every path but `/health`, `/readiness` and the docs (`/openapi.json`,
/// `/docs` and its assets) needs `Authorization: Bearer KEY`
/// or `X-API-Key: KEY` (else 401). With `RATE_LIMIT_ENABLED`, each client may make
/// `RATE_LIMIT_PER_MINUTE` requests a minute, a WebSocket upgrade counting as one; a client is
/// its API key, or else its peer address. Over the limit the answer is 429 with `Retry-After`.
final class AccessControl: Sendable {
    /// Paths anyone may call: the probes, and the API's description and docs page, which hold no data.
    static let openPaths = Set(["/health", "/readiness"]).union(DocsRoutes<BasicRequestContext>.openPaths)

    let keys: [String]
    let limiter: RateLimiter?

    init(configuration: ServerConfiguration) {
        keys = configuration.apiKeys
        limiter = configuration.rateLimitEnabled ? RateLimiter(perMinute: configuration.rateLimitPerMinute) : nil
    }

    /// Whether any check applies; when not, the routers need no middleware at all.
    var isActive: Bool { !keys.isEmpty || limiter != nil }

    /// The refusal for `request` from `remoteAddress`, or nil when it may go on (taking a token).
    func refusal(for request: Request, remoteAddress: SocketAddress?) -> HTTPRefusal? {
        let path = request.uri.path
        guard !Self.openPaths.contains(path), !path.hasPrefix(DocsRoutes<BasicRequestContext>.assetPrefix) else { return nil }
        let presented = Self.presentedKey(request)
        if !keys.isEmpty {
            guard let presented, keys.contains(where: { Self.constantTimeEquals($0, presented) }) else {
                return HTTPRefusal(
                    .unauthorized, message: "this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")
            }
        }
        guard let limiter else { return nil }
        let client = presented.map { "key:\($0)" } ?? remoteAddress?.ipAddress.map { "ip:\($0)" } ?? "unknown"
        guard let wait = limiter.take(for: client) else { return nil }
        return HTTPRefusal(
            .rateLimited, message: "more than \(limiter.perMinute) requests per minute; retry after \(wait) s",
            headers: [.retryAfter: String(wait)])
    }

    static func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingWhitespace()
        }
        return request.headers[HTTPField.Name("X-API-Key")!]
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// Puts a router behind the server's `AccessControl`; the HTTP and WebSocket routers hold the same one.
struct AccessMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    let access: AccessControl

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = access.refusal(for: request, remoteAddress: context.remoteAddress) { throw refusal }
        return try await next(request, context)
    }
}
