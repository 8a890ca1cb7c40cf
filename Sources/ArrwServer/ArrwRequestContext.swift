import Hummingbird
import NIOCore

/// The per-request context of every arrwDB route: Hummingbird's core storage plus the peer's
/// address, which rate limiting keys on when a request carries no API key.
public struct ArrwRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
