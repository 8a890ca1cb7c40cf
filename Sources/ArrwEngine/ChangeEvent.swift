import ArrwIndex
import Foundation

/// One event on the bus (SPEC.md, "Event bus"): a change, whose `sequence` is its WAL record's
/// sequence (strictly increasing, durable, resumable), or a `search.performed`, which is not
/// logged: it carries the sequence of the last change before it and is delivered live only.
public struct ChangeEvent: Sendable, Equatable {
    /// The event types of SPEC.md.
    public enum Kind: String, Sendable, CaseIterable {
        case libraryCreated = "library.created"
        case libraryUpdated = "library.updated"
        case libraryDeleted = "library.deleted"
        case documentAdded = "document.added"
        case documentUpdated = "document.updated"
        case documentDeleted = "document.deleted"
        case searchPerformed = "search.performed"
    }

    public var sequence: UInt64
    public var kind: Kind
    public var libraryId: UUID
    public var timestamp: Date
    public var data: [String: JSONValue]

    /// Whether the event is a logged change (kept for resumption) rather than a live-only search.
    public var isChange: Bool { kind != .searchPerformed }
}

extension ChangeRecord {
    /// The event this change publishes once durable. A put is `document.added` when it created
    /// the document (its creation time is its update time) and `document.updated` otherwise.
    func event(sequence: UInt64) -> ChangeEvent {
        switch self {
        case .createLibrary(let info):
            return ChangeEvent(
                sequence: sequence, kind: .libraryCreated, libraryId: info.id, timestamp: info.createdAt,
                data: [
                    "name": .string(info.name), "index_type": .string(info.indexType.rawValue),
                    "metric": .string(info.metric.rawValue), "dimension": info.dimension.map { .int(Int64($0)) } ?? .null,
                ])
        case .updateLibrary(let id, let description, let metadata, let updatedAt):
            var data: [String: JSONValue] = [:]
            if let description { data["description"] = .string(description) }
            if let metadata { data["metadata"] = .object(metadata) }
            return ChangeEvent(sequence: sequence, kind: .libraryUpdated, libraryId: id, timestamp: updatedAt, data: data)
        case .changeIndex(let id, let target, let at):
            return ChangeEvent(
                sequence: sequence, kind: .libraryUpdated, libraryId: id, timestamp: at,
                data: ["index_type": .string(target.type.rawValue), "index_params": .object(target.json)])
        case .deleteLibrary(let id, let at):
            return ChangeEvent(sequence: sequence, kind: .libraryDeleted, libraryId: id, timestamp: at, data: [:])
        case .putDocument(let libraryId, let document):
            return ChangeEvent(
                sequence: sequence, kind: document.createdAt == document.updatedAt ? .documentAdded : .documentUpdated,
                libraryId: libraryId, timestamp: document.updatedAt,
                data: [
                    "document_id": .string(document.id), "title": .string(document.title),
                    "chunk_count": .int(Int64(document.chunks.count)), "metadata": .object(document.metadata),
                ])
        case .deleteDocument(let libraryId, let documentId, let at):
            return ChangeEvent(
                sequence: sequence, kind: .documentDeleted, libraryId: libraryId, timestamp: at,
                data: ["document_id": .string(documentId)])
        }
    }
}
