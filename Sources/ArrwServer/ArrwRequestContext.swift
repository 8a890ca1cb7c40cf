import Hummingbird
import NIOCore
import Synchronization

/// The per-request context of every arrwDB route: Hummingbird's core storage, the peer's
/// address (which rate limiting keys on when a request carries no API key), the request's
/// `access` scope (its tenant), and its `outcome`, which inner middleware fills in for the
/// request log.
public struct ArrwRequestContext: RequestContext, AccessScopedContext, RequestOutcomeContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public let outcome = RequestOutcome()
    /// What the request's key may see (`AccessMiddleware` sets it).
    public var access = AccessScope.open

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// A context whose request carries a `RequestOutcome` box.
public protocol RequestOutcomeContext: RequestContext {
    var outcome: RequestOutcome { get }
}

/// What became of one request, beyond its status: the error code it failed with, if any.
/// Shared by every copy of the request's context, so `ErrorEnvelopeMiddleware` (inner) can
/// tell `RequestLogMiddleware` (outer) which code it answered with.
public final class RequestOutcome: Sendable {
    private let code = Mutex<String?>(nil)

    public init() {}

    /// The catalogue code of the error the request was answered with.
    public var errorCode: String? {
        get { code.withLock { $0 } }
        set { code.withLock { $0 = newValue } }
    }
}
