import ArrwEngine
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `WS /v1/libraries/{id}/ws`: the upgrade (refused for an unknown library, or another tenant's;
/// keys and rate limits through the same `AccessControl` as the HTTP routes, so an upgrade takes
/// a token from the client's one bucket), then a `WebSocketSession` per connection, which a
/// tenant's revoked, rotated or expired key closes. hummingbird-websocket
/// answers every refused upgrade with a bare 400, whatever the reason, so the reason is logged.
enum WebSocketRoutes {
    static func router(
        database: Database, configuration: ServerConfiguration, access: AccessControl, gauges: WebSocketGauges = WebSocketGauges()
    ) -> Router<ArrwWebSocketContext> {
        let router = Router(context: ArrwWebSocketContext.self)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ErrorEnvelopeMiddleware())
        router.add(middleware: AccessMiddleware(access: access))
        router.ws("v1/libraries/:id/ws") { _, context in
            do {
                _ = try database.library(try context.parameters.require("id"))
            } catch {
                context.logger.info("WebSocket upgrade refused", metadata: ["reason": "\(error)"])
                throw error
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let id = try context.requestContext.parameters.require("id")
            let keyStillValid = Self.keyCheck(access: access, scope: context.requestContext.access, request: context.request)
            let session = WebSocketSession(
                database: database, libraryId: id, channel: context.requestContext.channel,
                outboundLimit: configuration.webSocketOutboundLimit, outboundByteLimit: configuration.webSocketOutboundBytes,
                eventQueueLimit: configuration.eventQueueLimit,
                logger: context.logger, gauges: gauges,
                keyStillValid: keyStillValid)
            try await session.run(inbound: inbound, outbound: outbound)
        }
        return router
    }

    /// For a tenant's connection, whether the key of its upgrade `request` still opens `scope`.
    static func keyCheck(access: AccessControl, scope: AccessScope, request: Request) -> (@Sendable () -> Bool)? {
        guard let tenantId = scope.tenantId, !tenantId.isEmpty else { return nil }
        let key = AccessControl.presentedKey(request)
        return { access.stillValid(scope, key: key) }
    }
}
