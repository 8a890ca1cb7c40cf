import ArrwIndex
import Foundation

/// One library's documents, chunks and vector index, behind a reader-writer lock:
/// searches and reads share it, writes take it alone, so writes to a library are serialized
/// while its searches run in parallel.
///
/// Invariants (hold whenever the lock is free): every chunk key in a stored document maps to
/// one `StoredChunk` and one vector in `index`, and nothing else is in either; `index` exists
/// exactly when `settings.dimension` is set, holds vectors of that dimension only, and is of
/// the type `settings.index` names. While a rebuild runs, every change applied to `index` is
/// also recorded in `rebuild.pending`, so the new index can catch up before it is swapped in.
final class LibraryStore: @unchecked Sendable {
    let id: UUID
    let lock = ReadWriteLock()
    var settings: LibraryInfo
    var documents: [String: StoredDocument] = [:]
    var chunks: [UInt64: StoredChunk] = [:]
    var order = DocumentOrder()
    var index: (any VectorIndex)?
    var rebuild: IndexRebuild?
    var nextKey: UInt64 = 1

    init(settings: LibraryInfo) {
        id = settings.id
        self.settings = settings
        if let dimension = settings.dimension {
            index = settings.index.makeIndex(dimension: dimension, metric: settings.metric)
        }
    }

    var info: LibraryInfo {
        lock.withReadLock { infoLocked() }
    }

    var dimension: Int? {
        lock.withReadLock { settings.dimension }
    }

    func update(_ body: (inout LibraryInfo) throws -> Void) rethrows -> LibraryInfo {
        try lock.withWriteLock {
            try body(&settings)
            settings.updatedAt = Date()
            return infoLocked()
        }
    }

    var statistics: LibraryStatistics {
        lock.withReadLock {
            LibraryStatistics(
                documentCount: documents.count, chunkCount: chunks.count, dimension: settings.dimension,
                metric: settings.metric, index: settings.index, indexMemoryBytes: index?.memoryBytes ?? 0,
                buildTarget: rebuild?.target)
        }
    }

    func infoLocked() -> LibraryInfo {
        var info = settings
        info.documentCount = documents.count
        info.chunkCount = chunks.count
        return info
    }
}

/// What the store keeps of a document; its chunks live in `chunks` under `chunkKeys`.
struct StoredDocument {
    var id: String
    var title: String
    var metadata: [String: JSONValue]
    var chunkKeys: [UInt64]
    var createdAt: Date
    var updatedAt: Date
    var sequence: UInt64
}

/// What the store keeps of a chunk, with what filters need to see without a second lookup.
struct StoredChunk: FilterSubject {
    var id: String
    var documentId: String
    var text: String
    var metadata: [String: JSONValue]
    var documentMetadata: [String: JSONValue]
    var createdAt: Double

    func value(at path: [String]) -> JSONValue? {
        switch path {
        case ["document_id"]: return .string(documentId)
        case ["created_at"]: return .double(createdAt)
        default:
            guard let head = path.first, let top = metadata[head] ?? documentMetadata[head] else { return nil }
            return lookUp(path.dropFirst(), in: top)
        }
    }
}

/// A document ready to store: every chunk has its vector, all of one length.
struct PreparedDocument {
    var id: String
    var title: String
    var metadata: [String: JSONValue]
    var chunks: [(text: String, metadata: [String: JSONValue], vector: [Float])]
}
