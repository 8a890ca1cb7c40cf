import ArrwEngine
import Foundation

extension WebSocketSession {
    /// Runs one action on the session's library and returns its `data`.
    func perform(_ action: String, data: JSONValue) async throws -> JSONValue {
        switch action {
        case "ping":
            return .object(["pong": .bool(true), "timestamp": APIResponse.timestamp(Date())])
        case "search":
            switch data.object?["mode"] {
            case nil, .null?, .string("semantic")?:
                let query = try SearchBody(json: data).searchQuery(limits: database.limits, requireFilter: false)
                return withFlatResults(APIResponse.search(try await database.search(libraryId: libraryId, query)))
            case .string("hybrid")?:
                let query = try HybridSearchAPI.query(data, limits: database.limits)
                return withFlatResults(try await HybridSearchAPI.answer(database: database, library: libraryId, query))
            default:
                throw EngineError.validation("'mode' must be 'semantic' or 'hybrid'", field: "mode")
            }
        case "add":
            let draft = try DocumentJSON.draft(data, limits: database.limits)
            return Self.withDocumentSummary(APIResponse.document(try await database.addDocument(libraryId: libraryId, draft)))
        case "delete":
            let id = try documentId(data)
            try await database.deleteDocument(libraryId: libraryId, documentId: id)
            return .object(["document_id": .string(id), "deleted": .bool(true)])
        case "get":
            let include = data.object?["include_embeddings"]?.bool ?? false
            return APIResponse.document(try database.document(libraryId: libraryId, documentId: try documentId(data), includeEmbeddings: include))
        case "subscribe":
            return try subscribe(data)
        case "unsubscribe":
            let subscription = replaceSubscription(with: nil)
            subscription?.cancel()
            return .object(["unsubscribed": .bool(subscription != nil)])
        default:
            throw EngineError(
                ServerErrorCode.unknownAction,
                message: "unknown action '\(action)'; known: \(Self.actions.joined(separator: ", "))",
                details: ["action": .string(action)])
        }
    }

    private func documentId(_ data: JSONValue) throws -> String {
        guard let id = data.object?["document_id"]?.string else {
            throw EngineError.validation("'document_id' is required", field: "document_id")
        }
        return id
    }

    /// `{"event_types"?: [..], "since"?: sequence}`: this library's events from now (or after
    /// `since`) are forwarded through the outbound queue; a second subscribe replaces the first.
    func subscribe(_ data: JSONValue) throws -> JSONValue {
        let object = data.object ?? [:]
        var names: [String] = []
        switch object["event_types"] {
        case nil, .null?: break
        case .array(let items)?:
            names = try items.map { item in
                guard let name = item.string else { throw EngineError.validation("'event_types' must hold strings", field: "event_types") }
                return name
            }
        default: throw EngineError.validation("'event_types' must be an array of event types", field: "event_types")
        }
        var since: UInt64?
        if let value = object["since"], value != .null {
            guard let number = value.number, let sequence = UInt64(exactly: number) else {
                throw EngineError.validation("'since' must be a sequence number", field: "since")
            }
            since = sequence
        }
        let library = try database.library(libraryId).id
        let kinds = try EventFilter.kinds(named: names, field: "event_types")
        let subscription = try database.subscribe(filter: EventFilter(libraryId: library, kinds: kinds), since: since, queueLimit: eventQueueLimit)
        replaceSubscription(with: subscription)?.cancel()
        Task {
            do {
                for try await event in subscription { sendEvent(APIResponse.text(Self.eventMessage(event))) }
            } catch {
                let reason = (error as? SubscriptionEnd)?.description ?? "\(error)"
                send(APIResponse.text(.object([
                    "type": .string("subscription_ended"),
                    "error": APIResponse.error(StreamErrorCode.subscriberTooSlow, message: reason),
                ])))
            }
        }
        return .object([
            "subscribed": .bool(true), "event_types": .array(kinds.map { .string($0.rawValue) }.sorted { "\($0)" < "\($1)" }),
            "last_sequence": .int(Int64(database.events.lastSequence)),
        ])
    }
}
