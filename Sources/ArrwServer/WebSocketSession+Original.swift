import ArrwEngine
import Foundation

/// The original arrwDB's WebSocket dialect, answered beside SPEC.md's: see `WebSocketSession`.
extension WebSocketSession {
    /// On the connection's first request frame: when it carries `"type": "request"` (the
    /// original's clients always send it), subscribes the connection to every event of its
    /// library, as the original did for every connection.
    func adoptOriginalDialect(_ request: [String: JSONValue]) throws {
        guard takeFirstRequest(), request["type"] == .string("request") else { return }
        _ = try subscribe(.object([:]))
    }

    /// `{"type": "event", "event", "event_type", "library_id"}`: an event as subscribers receive
    /// it, its type and library also at the top level for the original's clients.
    static func eventMessage(_ event: ChangeEvent) -> JSONValue {
        .object([
            "type": .string("event"), "event": APIResponse.event(event), "event_type": .string(event.kind.rawValue),
            "library_id": event.libraryId.map { .string($0.uuidString.lowercased()) } ?? .null,
        ])
    }

    /// A search answer whose results also carry the chunk's `id`, `text` and `metadata` (its
    /// own merged over its document's, as filters see it) beside `distance`, flat, as the
    /// original's WebSocket answered them.
    func withFlatResults(_ answer: JSONValue) -> JSONValue {
        guard var object = answer.object, let results = object["results"]?.array else { return answer }
        var documentMetadata: [String: [String: JSONValue]] = [:]
        object["results"] = .array(results.map { result in
            guard var fields = result.object, let chunk = fields["chunk"]?.object, let documentId = chunk["document_id"]?.string else {
                return result
            }
            if documentMetadata[documentId] == nil {
                documentMetadata[documentId] = (try? database.document(libraryId: libraryId, documentId: documentId))?.metadata ?? [:]
            }
            fields["id"] = chunk["id"]
            fields["text"] = chunk["text"]
            fields["metadata"] = .object(documentMetadata[documentId, default: [:]].merging(chunk["metadata"]?.object ?? [:]) { $1 })
            return .object(fields)
        })
        return .object(object)
    }

    /// An `add` answer (the document) with the original's `document` summary: `{id, title, num_chunks}`.
    static func withDocumentSummary(_ document: JSONValue) -> JSONValue {
        guard var object = document.object else { return document }
        object["document"] = .object([
            "id": object["id"] ?? .null, "title": object["title"] ?? .null,
            "num_chunks": .int(Int64(object["chunks"]?.array?.count ?? 0)),
        ])
        return .object(object)
    }
}
