import ArrwEngine
import AsyncAlgorithms
import Foundation
import Hummingbird
import HTTPTypes
import ServiceLifecycle

/// `GET /v1/events` (Server-Sent Events; also at the original arrwDB's `/v1/events/stream`) and
/// `GET /v1/events/stats` (with the original's `subscriber_count`, `total_errors` — subscribers
/// dropped for reading too slowly —, `pending_events` and `running` beside ours).
///
/// A stream frames each change as `id: <sequence>`, `event: <type>`, `data: <event JSON>`;
/// `search.performed` events carry no `id` (they are live only and cannot be resumed). Query
/// parameters: `library_id`, `types` (comma-separated), `since` (deliver sequences after it);
/// a `Last-Event-ID` header, as browsers send on reconnect, takes precedence over `since`.
/// A resume point no longer kept answers 410 before the stream starts. A subscriber that
/// stops reading gets a final `event: error` frame and is disconnected; an idle stream sends a
/// `: keep-alive` comment every `keepAlive`; streams end when the server shuts down.
///
/// A tenant's stream carries only its own libraries' events. Its key is checked every second:
/// once revoked, rotated away or expired, the stream ends with an `event: error` frame
/// (`unauthorized`, saying why).
struct EventRoutes<Context: AccessScopedContext>: Sendable {
    let database: Database
    let access: AccessControl
    /// Events that may wait unread per subscriber before it is dropped.
    let queueLimit: Int
    /// How often a stream sends a comment when there is nothing else to send.
    let keepAlive: Duration

    /// What the stream writes next: an event, a keep-alive comment, or nothing more (the
    /// subscription ended, so the never-ending keep-alive timer must not hold the stream open).
    enum Item: Sendable {
        case event(ChangeEvent)
        case keepAlive
        case checkKey
        case ended
    }

    func register(on router: Router<Context>) {
        router.get("v1/events/stats") { _, _ in
            let statistics = database.events.statistics
            return APIResponse.json(.object([
                "total_published": .int(Int64(statistics.totalPublished)),
                "total_delivered": .int(Int64(statistics.totalDelivered)),
                "active_subscribers": .int(Int64(statistics.activeSubscribers)),
                "queue_size": .int(Int64(statistics.queueSize)),
                "last_sequence": .int(Int64(database.events.lastSequence)),
                "subscriber_count": .int(Int64(statistics.activeSubscribers)),
                "total_errors": .int(Int64(statistics.droppedSubscribers)),
                "pending_events": .int(Int64(statistics.queueSize)),
                "running": .bool(true),
            ]))
        }
        router.get("v1/events") { request, context in try stream(request, scope: context.access) }
        router.get("v1/events/stream") { request, context in try stream(request, scope: context.access) }
    }

    /// The SSE answer to `request`: its subscription's events until the client leaves, the
    /// subscriber falls behind or the server shuts down.
    private func stream(_ request: Request, scope: AccessScope) throws -> Response {
        var filter = try Self.filter(request)
        filter.libraries = scope.libraryFilter(database)
        let subscription = try database.subscribe(filter: filter, since: try Self.resumePoint(request), queueLimit: queueLimit)
        let key = AccessControl.presentedKey(request)
        let checksKey = scope.tenantId.map { !$0.isEmpty } ?? false
        let body = ResponseBody { writer in
            try await withGracefulShutdownHandler {
                defer { subscription.cancel() }
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                let items = merge(
                    chain(subscription.map { Item.event($0) }, [Item.ended].async),
                    AsyncTimerSequence.repeating(every: keepAlive).map { _ in Item.keepAlive },
                    AsyncTimerSequence.repeating(every: checksKey ? .seconds(1) : .seconds(86_400)).map { _ in Item.checkKey })
                do {
                    stream: for try await item in items {
                        if checksKey, !access.stillValid(scope, key: key) {
                            let error: JSONValue = .object(["error": APIResponse.error(.unauthorized, message: "the stream's API key was revoked, rotated or has expired")])
                            try await writer.write(ByteBuffer(string: "event: error\ndata: \(APIResponse.text(error))\n\n"))
                            break stream
                        }
                        switch item {
                        case .event(let event): try await writer.write(Self.frame(event))
                        case .keepAlive: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        case .checkKey: continue
                        case .ended: break stream
                        }
                    }
                } catch let end as SubscriptionEnd {
                    let error: JSONValue = .object(["error": APIResponse.error(.subscriberTooSlow, message: end.description)])
                    try await writer.write(ByteBuffer(string: "event: error\ndata: \(APIResponse.text(error))\n\n"))
                }
                try await writer.finish(nil)
            } onGracefulShutdown: {
                subscription.cancel()
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }

    /// One SSE frame for `event`.
    static func frame(_ event: ChangeEvent) throws -> ByteBuffer {
        let id = event.isChange ? "id: \(event.sequence)\n" : ""
        return ByteBuffer(string: "\(id)event: \(event.kind.rawValue)\ndata: \(APIResponse.text(APIResponse.event(event)))\n\n")
    }

    /// `library_id` and `types` from the query string, each checked.
    static func filter(_ request: Request) throws -> EventFilter {
        var filter = EventFilter()
        if let text = request.uri.queryParameters.get("library_id") {
            guard let id = UUID(uuidString: text) else {
                throw EngineError.validation("'library_id' must be a library id (a UUID)", field: "library_id")
            }
            filter.libraryId = id
        }
        if let text = request.uri.queryParameters.get("types") {
            filter.kinds = try EventFilter.kinds(named: text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, field: "types")
        }
        return filter
    }

    /// `Last-Event-ID`, else `since`; nil for a fresh subscription.
    static func resumePoint(_ request: Request) throws -> UInt64? {
        if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let sequence = UInt64(header.trimmingCharacters(in: .whitespaces)) else {
                throw EngineError.validation("the Last-Event-ID header must be a sequence number", field: "Last-Event-ID")
            }
            return sequence
        }
        guard let text = request.uri.queryParameters.get("since") else { return nil }
        guard let sequence = UInt64(text) else {
            throw EngineError.validation("'since' must be a sequence number (a non-negative integer)", field: "since")
        }
        return sequence
    }
}
