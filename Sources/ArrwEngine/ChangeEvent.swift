import ArrwIndex
import Foundation

/// One event on the bus (SPEC.md, "Event bus"): a change, whose `sequence` is its WAL record's
/// sequence (strictly increasing, durable, resumable), or a `search.performed`, which is not
/// logged: it carries the sequence of the last change before it and is delivered live only.
public struct ChangeEvent: Sendable, Equatable {
    /// An event type, by its name on the wire. Open rather than an enum, so server-wide state
    /// (jobs, tenants) can name its own types; `known` lists every type a subscriber may ask for.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let libraryCreated = Kind(rawValue: "library.created")
        public static let libraryUpdated = Kind(rawValue: "library.updated")
        public static let libraryDeleted = Kind(rawValue: "library.deleted")
        public static let documentAdded = Kind(rawValue: "document.added")
        public static let documentUpdated = Kind(rawValue: "document.updated")
        public static let documentDeleted = Kind(rawValue: "document.deleted")
        public static let searchPerformed = Kind(rawValue: "search.performed")
        public static let jobCreated = Kind(rawValue: "job.created")
        public static let jobStarted = Kind(rawValue: "job.started")
        public static let jobProgress = Kind(rawValue: "job.progress")
        public static let jobCompleted = Kind(rawValue: "job.completed")
        public static let jobFailed = Kind(rawValue: "job.failed")
        public static let jobCancelled = Kind(rawValue: "job.cancelled")

        /// The types of SPEC.md, in its order: what `EventFilter.kinds(named:)` accepts.
        public static let known: [Kind] = [
            .libraryCreated, .libraryUpdated, .libraryDeleted, .documentAdded, .documentUpdated, .documentDeleted, .searchPerformed,
            .jobCreated, .jobStarted, .jobProgress, .jobCompleted, .jobFailed, .jobCancelled,
        ]
    }

    public var sequence: UInt64
    public var kind: Kind
    /// The library the event is about; nil for server-wide state that belongs to no library.
    public var libraryId: UUID?
    public var timestamp: Date
    public var data: [String: JSONValue]

    public init(sequence: UInt64, kind: Kind, libraryId: UUID?, timestamp: Date, data: [String: JSONValue]) {
        self.sequence = sequence
        self.kind = kind
        self.libraryId = libraryId
        self.timestamp = timestamp
        self.data = data
    }

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
            let (metadata, fields) = OriginalFields.split(document.metadata)
            var data: [String: JSONValue] = [
                "document_id": .string(document.id), "title": .string(document.title),
                "chunk_count": .int(Int64(document.chunks.count)), "metadata": .object(metadata),
            ]
            data.merge(fields) { own, _ in own }
            return ChangeEvent(
                sequence: sequence, kind: document.createdAt == document.updatedAt ? .documentAdded : .documentUpdated,
                libraryId: libraryId, timestamp: document.updatedAt, data: data)
        case .deleteDocument(let libraryId, let documentId, let at):
            return ChangeEvent(
                sequence: sequence, kind: .documentDeleted, libraryId: libraryId, timestamp: at,
                data: ["document_id": .string(documentId)])
        case .serverState(let change):
            // Server-wide state belongs to no library, but an event whose data names one (a
            // job's) is that library's event too, so library subscriptions receive it.
            let library = change.eventData["library_id"]?.string.flatMap(UUID.init(uuidString:))
            return ChangeEvent(sequence: sequence, kind: change.eventKind, libraryId: library, timestamp: change.at, data: change.eventData)
        case .replaceVectors(let libraryId, let replacements, let at):
            return ChangeEvent(
                sequence: sequence, kind: .libraryUpdated, libraryId: libraryId, timestamp: at,
                data: ["embeddings_regenerated": .int(Int64(replacements.count))])
        case .moveEmbeddings(let libraryId, let binding, let replacements, let at):
            return ChangeEvent(
                sequence: sequence, kind: .libraryUpdated, libraryId: libraryId, timestamp: at,
                data: [
                    "embeddings_regenerated": .int(Int64(replacements.count)), "embedding_provider": .string(binding.provider),
                    "embedding_model": .string(binding.model), "dimension": .int(Int64(binding.dimension)),
                ])
        }
    }
}
