import ArrwEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What a request may see, settled by `AccessControl` from its key.
///
/// Invariant: `tenantId` nil means every library (a server without keys, or the admin key);
/// otherwise only the libraries whose `LibraryInfo.tenantId` equals it ("" for `API_KEYS`
/// keys: the default tenant, which also owns every library from before tenants).
public struct AccessScope: Sendable, Equatable {
    public var tenantId: String?
    public var isAdmin: Bool

    /// A server without keys: everything, no admin routes.
    public static let open = AccessScope(tenantId: nil, isAdmin: false)
    static let admin = AccessScope(tenantId: nil, isAdmin: true)

    /// Whether `library` is visible in this scope.
    public func sees(_ library: LibraryInfo) -> Bool { tenantId.map { $0 == library.tenantId } ?? true }

    /// The tenant a library created in this scope belongs to.
    public var owner: String { tenantId ?? "" }

    /// For an event subscription: nil when every library is visible, else a test of a
    /// library's owner (deleted libraries included) against this scope's tenant.
    func libraryFilter(_ database: Database) -> (@Sendable (UUID) -> Bool)? {
        guard let tenantId else { return nil }
        return { database.owner(ofLibrary: $0) == tenantId }
    }
}

/// A request context that carries the request's `AccessScope`.
public protocol AccessScopedContext: RemoteAddressRequestContext {
    var access: AccessScope { get set }
}

/// The server's one access stack: keys, tenants and rate limits, shared by the HTTP router and
/// the WebSocket router so a client has one token bucket whichever way it comes in.
///
/// Keys are needed once any is configured (`API_KEYS`, `ADMIN_API_KEY`) or a tenant exists:
/// then every path but `/health` and `/readiness` needs `Authorization: Bearer KEY` or
/// `X-API-Key: KEY`, else 401. An admin key sees every library and alone opens `/v1/admin/*`
/// and `/metrics` (whose labels name every tenant's libraries); an `API_KEYS` key is the
/// default tenant; a tenant's key (looked up by its SHA-256) sees its own libraries only, and a
/// path naming another tenant's library answers 404 exactly as an unknown one. A deactivated or
/// expired tenant's key, or a key replaced by a rotation, is refused at once.
///
/// With `RATE_LIMIT_ENABLED`, each client may make `RATE_LIMIT_PER_MINUTE` requests a minute, a
/// WebSocket upgrade counting as one; a client is its API key, or else its peer address. A
/// tenant with a `requests_per_minute` quota has a bucket of that size over all its keys' use.
/// Over a limit the answer is 429 with `Retry-After`.
final class AccessControl: Sendable {
    /// Paths anyone may call: the probes.
    static let openPaths: Set<String> = ["/health", "/readiness"]
    static let adminPrefix = "/v1/admin/"

    let keys: [String]
    let adminKeys: [String]
    let database: Database
    let limiter: RateLimiter?
    let tenantLimiter = TenantRateLimiter()

    init(configuration: ServerConfiguration, database: Database) {
        keys = configuration.apiKeys
        adminKeys = configuration.adminAPIKeys
        self.database = database
        limiter = configuration.rateLimitEnabled ? RateLimiter(perMinute: configuration.rateLimitPerMinute) : nil
    }

    /// Whether requests need a key: one is configured, or a tenant exists.
    var keysRequired: Bool { !keys.isEmpty || !adminKeys.isEmpty || !database.tenants.isEmpty }

    /// The scope of `request` from `remoteAddress`, taking a rate-limit token; throws the
    /// refusal (401, 404 for another tenant's library, 429) when it may not go on.
    func admit(_ request: Request, remoteAddress: SocketAddress?) throws -> AccessScope {
        let path = request.uri.path
        if Self.openPaths.contains(path) { return .open }
        let presented = Self.presentedKey(request)
        var scope = AccessScope.open
        var tenantRequestsPerMinute: Int?
        if keysRequired {
            guard let presented else {
                throw HTTPRefusal(.unauthorized, message: "this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")
            }
            (scope, tenantRequestsPerMinute) = try resolve(presented, countingUse: true)
        }
        let needsAdmin = path.hasPrefix(Self.adminPrefix) || (path == "/metrics" && !adminKeys.isEmpty)
        if needsAdmin, !scope.isAdmin {
            throw HTTPRefusal(
                .unauthorized,
                message: adminKeys.isEmpty ? "the admin routes need ADMIN_API_KEY, which this server does not have" : "this route needs the admin key (ADMIN_API_KEY)")
        }
        if let limiter {
            let client = presented.map { "key:\($0)" } ?? remoteAddress?.ipAddress.map { "ip:\($0)" } ?? "unknown"
            if let wait = limiter.take(for: client) { throw Self.rateLimited(limiter.perMinute, wait: wait) }
        }
        if let tenantId = scope.tenantId, let perMinute = tenantRequestsPerMinute, let wait = tenantLimiter.take(for: tenantId, perMinute: perMinute) {
            throw Self.rateLimited(perMinute, wait: wait)
        }
        try checkLibrary(in: path, scope: scope)
        return scope
    }

    /// The scope a presented key opens with its tenant's `requests_per_minute` quota, or the 401
    /// that refuses it; a tenant's use is counted when `countingUse`.
    func resolve(_ presented: String, countingUse: Bool) throws -> (AccessScope, requestsPerMinute: Int?) {
        if adminKeys.contains(where: { Self.constantTimeEquals($0, presented) }) { return (.admin, nil) }
        if keys.contains(where: { Self.constantTimeEquals($0, presented) }) { return (AccessScope(tenantId: "", isAdmin: false), nil) }
        let hash = TenantKeys.hash(presented)
        let now = Date()
        guard let match = database.tenants.match(keyHash: hash, countingUse: countingUse, at: now),
            Self.constantTimeEquals(match.tenant.keyHash, hash)
        else {
            throw HTTPRefusal(.unauthorized, message: "the API key is not valid")
        }
        guard match.tenant.isActive else { throw HTTPRefusal(.unauthorized, message: "the API key was revoked") }
        guard !match.tenant.isExpired(at: now) else { throw HTTPRefusal(.unauthorized, message: "the API key has expired") }
        return (AccessScope(tenantId: match.idText, isAdmin: false), match.tenant.quotas.requestsPerMinute)
    }

    /// Whether the key a stream was opened with still opens `scope`: false once it was revoked,
    /// rotated away or has expired (the stream is then closed).
    func stillValid(_ scope: AccessScope, key: String?) -> Bool {
        guard let tenantId = scope.tenantId, !tenantId.isEmpty, let key else { return true }
        return (try? resolve(key, countingUse: false))?.0.tenantId == tenantId
    }

    /// A path under `/v1/libraries/{id}` (or the original's `/api/v1/...`) naming a library of
    /// another tenant answers exactly as an unknown library, so ids cannot be probed.
    func checkLibrary(in path: String, scope: AccessScope) throws {
        guard let tenantId = scope.tenantId else { return }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let start = parts.first == "api" ? 1 : 0
        guard parts.count > start + 2, parts[start] == "v1", parts[start + 1] == "libraries" else { return }
        let id = String(parts[start + 2])
        guard let uuid = UUID(text: id), let owner = database.owner(ofLibrary: uuid), owner != tenantId,
            (try? database.library(id)) != nil
        else { return }
        throw EngineError.libraryNotFound(id)
    }

    static func rateLimited(_ perMinute: Int, wait: Int) -> HTTPRefusal {
        HTTPRefusal(.rateLimited, message: "more than \(perMinute) requests per minute; retry after \(wait) s", headers: [.retryAfter: String(wait)])
    }

    static func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingWhitespace()
        }
        return request.headers[HTTPField.Name("X-API-Key")!]
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool { constantTimeEquals(Array(a.utf8), Array(b.utf8)) }

    static func constantTimeEquals(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<min(x.count, y.count) { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// Puts a router behind the server's `AccessControl`; the HTTP and WebSocket routers hold the
/// same one. Sets the request's `AccessScope` for the routes.
struct AccessMiddleware<Context: AccessScopedContext>: RouterMiddleware {
    let access: AccessControl

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.access = try access.admit(request, remoteAddress: context.remoteAddress)
        return try await next(request, context)
    }
}
