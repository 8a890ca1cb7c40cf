import ArrwEngine
import Foundation

/// A registered webhook: where change events are POSTed, which ones, and how deliveries are
/// retried. `deliveredThrough` is the sequence of the last event handled (delivered, or given
/// up after every retry); delivery resumes after it, after a restart too.
struct Webhook: Codable, Sendable, Equatable {
    var id: String
    var url: String
    /// As given: our event types, `*`, or the original's names (`document.created`, `search.completed`).
    var events: [String]
    var libraryId: String?
    var description: String
    var secret: String
    var maxRetries: Int
    var retryDelaySeconds: Double
    var timeoutSeconds: Double
    var active: Bool
    var createdAt: Date
    var updatedAt: Date
    var deliveredThrough: UInt64
    /// The tenant that created it, which sees it and whose libraries' events alone it gets
    /// ("" the default tenant); nil for one made by the admin key or on a server without keys,
    /// which gets every event. Absent from files of version 1 (before tenants).
    var tenantId: String?

    /// The original arrwDB's event names, and ours they stand for.
    static let originalNames: [String: ChangeEvent.Kind] = ["document.created": .documentAdded, "search.completed": .searchPerformed]

    /// The event types `events` names (empty: every type, for `*`); a 400 naming an unknown one.
    static func kinds(_ events: [String]) throws -> Set<ChangeEvent.Kind> {
        guard !events.isEmpty else { throw EngineError.validation("'events' must name at least one event type or '*'", field: "events") }
        if events.contains("*") { return [] }
        return Set(try events.map { name in
            if let kind = originalNames[name] { return kind }
            return try EventFilter.kinds(named: [name], field: "events").first!
        })
    }

    /// Whether `event` is one this webhook delivers.
    func matches(_ event: ChangeEvent, kinds: Set<ChangeEvent.Kind>) -> Bool {
        (kinds.isEmpty || kinds.contains(event.kind))
            && (libraryId == nil || event.libraryId?.uuidString.lowercased() == libraryId)
    }

    /// The webhook as the API answers it; the secret only when `withSecret` (at creation).
    func json(withSecret: Bool = false) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "url": .string(url), "events": .array(events.map(JSONValue.string)),
            "library_id": libraryId.map(JSONValue.string) ?? .null, "description": .string(description),
            "max_retries": .int(Int64(maxRetries)), "retry_delay_seconds": .double(retryDelaySeconds),
            "timeout_seconds": .double(timeoutSeconds), "active": .bool(active),
            "created_at": APIResponse.timestamp(createdAt), "updated_at": APIResponse.timestamp(updatedAt),
            "delivered_through": .int(Int64(deliveredThrough)),
        ]
        if withSecret { object["secret"] = .string(secret) }
        return .object(object)
    }
}

/// One delivery attempt's outcome, as `GET /v1/webhooks/{id}/deliveries` lists them.
struct WebhookDelivery: Sendable {
    var sequence: UInt64
    var eventType: String
    var delivered: Bool
    var attempts: Int
    var statusCode: Int?
    var error: String?
    var at: Date
    var durationMs: Double
    /// Sent again after a restart: the receiver may have had it already.
    var possibleDuplicate: Bool

    var json: JSONValue {
        .object([
            "event_id": .int(Int64(sequence)), "event_type": .string(eventType), "status": .string(delivered ? "delivered" : "failed"),
            "attempts": .int(Int64(attempts)), "response_status": statusCode.map { .int(Int64($0)) } ?? .null,
            "error": error.map(JSONValue.string) ?? .null, "delivered_at": APIResponse.timestamp(at),
            "duration_ms": .double(durationMs), "possible_duplicate": .bool(possibleDuplicate),
        ])
    }
}
