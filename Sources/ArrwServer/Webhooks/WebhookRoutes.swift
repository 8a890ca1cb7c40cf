import ArrwEngine
import Foundation
import Hummingbird

/// `/v1/webhooks` (and `/api/v1/webhooks`, where the original arrwDB mounted them): create
/// (201, with the `secret` deliveries are signed with, shown only then), list, get, patch,
/// delete, the last deliveries, statistics, and a test delivery. See `WebhookDispatcher`.
///
/// A body: `{"url", "events": [..], "library_id"?, "description"?, "max_retries"? (3, 0–10),
/// "retry_delay_seconds"? (60, 0.1–3600), "timeout_seconds"? (30, 1–300), "active"? (true),
/// "since"? (a sequence: deliver the events after it; default: from now)}`; PATCH takes any of
/// them but `since`.
///
/// A tenant's webhooks are its own: it sees and changes only those, another's id answers 404
/// `webhook_not_found`, and they get only its libraries' events (`library_id` must be one).
struct WebhookRoutes<Context: AccessScopedContext>: Sendable {
    let dispatcher: WebhookDispatcher
    let database: Database
    let body: JSONBodyReader

    func register(on router: Router<Context>) {
        for prefix in ["v1/webhooks", "api/v1/webhooks"] { register(on: router.group(RouterPath(prefix))) }
    }

    private func register(on group: RouterGroup<Context>) {
        group.post { request, context in
            let object = try await bodyObject(request)
            let now = Date()
            var webhook = Webhook(
                id: UUID().uuidString.lowercased(), url: "", events: [], libraryId: nil, description: "", secret: Self.newSecret(),
                maxRetries: 3, retryDelaySeconds: 60, timeoutSeconds: 30, active: true, createdAt: now, updatedAt: now,
                deliveredThrough: database.events.lastSequence)
            guard object["url"] != nil, object["events"] != nil else {
                throw EngineError.validation("'url' and 'events' are required", field: object["url"] == nil ? "url" : "events")
            }
            webhook.tenantId = context.access.tenantId
            try apply(object, to: &webhook)
            try checkLibrary(of: webhook, in: context.access)
            if let since = object["since"], since != .null {
                guard let number = since.number, let sequence = UInt64(exactly: number), sequence <= database.events.lastSequence else {
                    throw EngineError.validation("'since' must be a sequence number no greater than the last one", field: "since")
                }
                webhook.deliveredThrough = sequence
            }
            try dispatcher.add(webhook)
            return APIResponse.json(webhook.json(withSecret: true), status: .created)
        }
        group.get { _, context in
            APIResponse.json(.object(["webhooks": .array(dispatcher.all.filter { visible($0, in: context.access) }.map { $0.json() })]))
        }
        group.get(":webhook") { _, context in
            APIResponse.json(try dispatcher.webhook(visibleId(context)).json())
        }
        group.patch(":webhook") { request, context in
            var webhook = try dispatcher.webhook(visibleId(context))
            let object = try await bodyObject(request)
            if object["since"] != nil { throw EngineError.validation("'since' is only taken at creation", field: "since") }
            try apply(object, to: &webhook)
            try checkLibrary(of: webhook, in: context.access)
            webhook.updatedAt = Date()
            try dispatcher.replace(webhook)
            return APIResponse.json(try dispatcher.webhook(webhook.id).json())
        }
        group.delete(":webhook") { _, context in
            try dispatcher.remove(visibleId(context))
            return Response(status: .noContent)
        }
        group.get(":webhook/deliveries") { _, context in
            let id = try visibleId(context)
            return APIResponse.json(.object(["deliveries": .array(try dispatcher.deliveries(id).map(\.json))]))
        }
        group.get(":webhook/stats") { _, context in
            let (webhook, statistics) = try dispatcher.statistics(visibleId(context))
            return APIResponse.json(.object([
                "webhook_id": .string(webhook.id), "total_deliveries": .int(Int64(statistics.delivered + statistics.failed)),
                "successful_deliveries": .int(Int64(statistics.delivered)), "failed_deliveries": .int(Int64(statistics.failed)),
                "retries": .int(Int64(statistics.retries)), "delivered_through": .int(Int64(webhook.deliveredThrough)),
                "pending_events": .int(Int64(database.events.lastSequence.subtractingReportingOverflow(webhook.deliveredThrough).partialValue)),
                "last_error": statistics.lastError.map(JSONValue.string) ?? .null,
                "last_delivery_at": statistics.lastDeliveryAt.map(APIResponse.timestamp) ?? .null,
            ]))
        }
        group.post(":webhook/test") { _, context in
            APIResponse.json(try await dispatcher.test(visibleId(context)).json)
        }
    }

    /// The id the path names, when the request's scope sees that webhook; else the same 404 as
    /// for an unknown one.
    private func visibleId(_ context: Context) throws -> String {
        let id = try context.parameters.require("webhook")
        guard visible(try dispatcher.webhook(id), in: context.access) else { throw WebhookDispatcher.notFound(id) }
        return id
    }

    private func visible(_ webhook: Webhook, in scope: AccessScope) -> Bool {
        scope.tenantId == nil || webhook.tenantId == scope.tenantId
    }

    /// A tenant's webhook may only follow one of its libraries.
    private func checkLibrary(of webhook: Webhook, in scope: AccessScope) throws {
        guard let library = webhook.libraryId, !scope.sees(try database.library(library)) else { return }
        throw EngineError.libraryNotFound(library)
    }

    private func bodyObject(_ request: Request) async throws -> [String: JSONValue] {
        guard let object = try await body.json(from: request).object else { throw EngineError.validation("the body must be a JSON object") }
        return object
    }

    /// Sets the fields `object` names on `webhook`, each checked with a 400 naming it.
    private func apply(_ object: [String: JSONValue], to webhook: inout Webhook) throws {
        if let url = object["url"] {
            guard let text = url.string else { throw EngineError.validation("'url' must be a string", field: "url") }
            try checkTarget(text)
            webhook.url = text
        }
        if let events = object["events"] {
            guard let names = events.array?.compactMap(\.string), names.count == events.array?.count else {
                throw EngineError.validation("'events' must be an array of event types", field: "events")
            }
            _ = try Webhook.kinds(names)
            webhook.events = names
        }
        if let library = object["library_id"] {
            switch library {
            case .null: webhook.libraryId = nil
            case .string(let id): webhook.libraryId = try database.library(id).id.uuidString.lowercased()
            default: throw EngineError.validation("'library_id' must be a string", field: "library_id")
            }
        }
        if let description = object["description"] {
            guard let text = description.string, text.count <= 10_000 else {
                throw EngineError.validation("'description' must be a string of at most 10000 characters", field: "description")
            }
            webhook.description = text
        }
        if let value = try number(object, "max_retries", in: 0...10) {
            guard let retries = Int(exactly: value) else { throw EngineError.validation("'max_retries' must be an integer", field: "max_retries") }
            webhook.maxRetries = retries
        }
        webhook.retryDelaySeconds = try number(object, "retry_delay_seconds", in: 0.1...3600) ?? webhook.retryDelaySeconds
        webhook.timeoutSeconds = try number(object, "timeout_seconds", in: 1...300) ?? webhook.timeoutSeconds
        if let active = object["active"] {
            guard let flag = active.bool else { throw EngineError.validation("'active' must be true or false", field: "active") }
            webhook.active = flag
        }
    }

    private func number(_ object: [String: JSONValue], _ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let value = try optionalNumber(object, key) else { return nil }
        guard range.contains(value) else {
            throw EngineError.validation("'\(key)' must be between \(range.lowerBound) and \(range.upperBound)", field: key)
        }
        return value
    }

    /// Refuses a URL that is not http(s), or whose host is neither loopback nor allowed by
    /// `WEBHOOK_ALLOWED_HOSTS`.
    private func checkTarget(_ text: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host?.lowercased(), !host.isEmpty
        else {
            throw EngineError(ServerErrorCode.webhookTargetForbidden, message: "'url' must be an http or https URL with a host", details: ["field": .string("url")])
        }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
        guard loopback || dispatcher.allowedHosts.contains("*") || dispatcher.allowedHosts.contains(host) else {
            throw EngineError(
                ServerErrorCode.webhookTargetForbidden,
                message: "host '\(host)' is not in WEBHOOK_ALLOWED_HOSTS (only loopback is allowed by default)",
                details: ["field": .string("url"), "host": .string(host)])
        }
    }

    /// 32 random bytes as hex.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return WebhookSender.hex((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
