import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of WebSocket upgrades: what `ArrwRequestContext` holds plus the
/// connection's channel, so a session can drop a client that stopped reading without waiting
/// for that client to read a close frame.
public struct ArrwWebSocketContext: RequestContext, WebSocketRequestContext, AccessScopedContext, RequestOutcomeContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?
    public let outcome = RequestOutcome()
    public var access = AccessScope.open
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}
