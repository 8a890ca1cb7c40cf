import ArrwEngine
import Foundation
import Hummingbird
import Synchronization

/// `GET /v1/websockets/stats` (the original arrwDB's): `{"total_connections",
/// "libraries_with_subscribers", "subscriptions_by_library": {library_id: sessions}}`, the
/// WebSocket sessions open now and those subscribed to events, by library. A tenant sees its own
/// libraries only in the breakdown (the connection count is the server's).
struct WebSocketStatsRoute<Context: AccessScopedContext>: Sendable {
    /// nil when the server runs without the WebSocket router (then nothing is open).
    let gauges: WebSocketGauges?
    let database: Database

    func register(on router: Router<Context>) {
        router.get("v1/websockets/stats") { _, context in
            let visible = context.access.libraryFilter(database)
            let subscribed = (gauges?.subscribedByLibrary.withLock { $0 } ?? [:]).filter { library, _ in
                visible.map { test in UUID(text: library).map(test) ?? false } ?? true
            }
            return APIResponse.json(.object([
                "total_connections": .int(Int64(gauges?.open.load(ordering: .relaxed) ?? 0)),
                "libraries_with_subscribers": .int(Int64(subscribed.count)),
                "subscriptions_by_library": .object(subscribed.mapValues { .int(Int64($0)) }),
            ]))
        }
    }
}
