import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// With `API_KEYS` set, requires `Authorization: Bearer KEY` or `X-API-Key: KEY` on every
/// route except `/health` and `/readiness`; otherwise a 401 envelope.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [String]

    static var openPaths: Set<String> { ["/health", "/readiness"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.openPaths.contains(request.uri.path) else { return try await next(request, context) }
        guard let presented = Self.presentedKey(request), keys.contains(where: { constantTimeEquals($0, presented) }) else {
            return ErrorEnvelope.response(
                .unauthorized, message: "this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")
        }
        return try await next(request, context)
    }

    static func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingWhitespace()
        }
        return request.headers[HTTPField.Name("X-API-Key")!]
    }

    private func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// With `RATE_LIMIT_ENABLED`, allows each client `perMinute` requests per minute (a token
/// bucket refilled continuously), keyed by API key or else by peer address. Over the limit the
/// answer is 429 with `Retry-After` (whole seconds until a token is back).
/// `/health` and `/readiness` are never limited.
final class RateLimitMiddleware<Context: RemoteAddressRequestContext>: RouterMiddleware {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let perMinute: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock = ContinuousClock()

    init(perMinute: Int) {
        self.perMinute = Double(perMinute)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !APIKeyMiddleware<Context>.openPaths.contains(request.uri.path) else { return try await next(request, context) }
        let client = APIKeyMiddleware<Context>.presentedKey(request).map { "key:\($0)" }
            ?? context.remoteAddress?.ipAddress.map { "ip:\($0)" } ?? "unknown"
        if let wait = take(for: client) {
            var response = ErrorEnvelope.response(
                .rateLimited, message: "more than \(Int(perMinute)) requests per minute; retry after \(wait) s")
            response.headers[.retryAfter] = String(wait)
            return response
        }
        return try await next(request, context)
    }

    /// Takes a token for `client`; returns the seconds to wait when none is left.
    private func take(for client: String) -> Int? {
        let now = clock.now
        let rate = perMinute / 60
        return buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: perMinute, updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(perMinute, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
