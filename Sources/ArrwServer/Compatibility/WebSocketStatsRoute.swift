import ArrwEngine
import Hummingbird
import Synchronization

/// `GET /v1/websockets/stats` (the original arrwDB's): `{"total_connections",
/// "libraries_with_subscribers", "subscriptions_by_library": {library_id: sessions}}`, the
/// WebSocket sessions open now and those subscribed to events, by library.
struct WebSocketStatsRoute<Context: RequestContext>: Sendable {
    /// nil when the server runs without the WebSocket router (then nothing is open).
    let gauges: WebSocketGauges?

    func register(on router: Router<Context>) {
        router.get("v1/websockets/stats") { _, _ in
            let subscribed = gauges?.subscribedByLibrary.withLock { $0 } ?? [:]
            return APIResponse.json(.object([
                "total_connections": .int(Int64(gauges?.open.load(ordering: .relaxed) ?? 0)),
                "libraries_with_subscribers": .int(Int64(subscribed.count)),
                "subscriptions_by_library": .object(subscribed.mapValues { .int(Int64($0)) }),
            ]))
        }
    }
}
