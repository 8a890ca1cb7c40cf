import ArrwIndex
import Foundation

/// One library's documents, chunks and vector index, behind a reader-writer lock:
/// searches and reads share it, writes take it alone, so writes to a library are serialized
/// while its searches run in parallel.
///
/// Invariants (hold whenever the lock is free): every chunk key in a stored document maps to
/// one `StoredChunk` and one vector in `index`, and nothing else is in either; `index` exists
/// exactly when `settings.dimension` is set, and holds vectors of that dimension only.
final class LibraryStore: @unchecked Sendable {
    let id: UUID
    private let lock = ReadWriteLock()
    private var settings: LibraryInfo
    private var documents: [String: StoredDocument] = [:]
    private var chunks: [UInt64: StoredChunk] = [:]
    private var order = DocumentOrder()
    private var index: (any VectorIndex)?
    private var nextKey: UInt64 = 1

    init(settings: LibraryInfo) {
        id = settings.id
        self.settings = settings
        if let dimension = settings.dimension {
            index = Self.makeIndex(dimension: dimension, settings: settings)
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
                metric: settings.metric, indexType: settings.indexType, indexParams: settings.indexParams,
                indexMemoryBytes: index?.memoryBytes ?? 0, buildState: "ready")
        }
    }

    private func infoLocked() -> LibraryInfo {
        var info = settings
        info.documentCount = documents.count
        info.chunkCount = chunks.count
        return info
    }

    private static func makeIndex(dimension: Int, settings: LibraryInfo) -> any VectorIndex {
        precondition(settings.indexType.isAvailable, "only available index types reach a store")
        return BruteForceIndex(dimension: dimension, metric: settings.metric)
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

extension LibraryStore {
    /// Stores `document`; `replace` allows overwriting an existing one (keeping its position
    /// and creation time). Returns the stored document and whether it was new.
    /// Nothing changes when it throws.
    func store(_ document: PreparedDocument, replace: Bool) throws -> (Document, created: Bool) {
        try lock.withWriteLock {
            let existing = documents[document.id]
            if existing != nil && !replace { throw EngineError.duplicateDocument(document.id) }
            let dimension = document.chunks.first?.vector.count ?? 0
            if let expected = settings.dimension, expected != dimension {
                throw EngineError.dimensionMismatch(expected: expected, actual: dimension, field: "embedding")
            }
            if settings.metric == .cosine, let zero = document.chunks.firstIndex(where: { $0.vector.allSatisfy { $0 == 0 } }) {
                throw EngineError.validation(
                    "chunk \(zero) has a zero vector, which has no direction under the cosine metric", field: "embedding")
            }
            if settings.dimension == nil {
                settings.dimension = dimension
                index = Self.makeIndex(dimension: dimension, settings: settings)
            }
            let now = Date()
            var stored = StoredDocument(
                id: document.id, title: document.title, metadata: document.metadata, chunkKeys: [],
                createdAt: existing?.createdAt ?? now, updatedAt: now, sequence: existing?.sequence ?? 0)
            if let existing { removeChunksLocked(of: existing) } else { stored.sequence = order.append(document.id) }
            for chunk in document.chunks {
                let key = nextKey
                nextKey += 1
                chunks[key] = StoredChunk(
                    id: UUID().uuidString.lowercased(), documentId: document.id, text: chunk.text,
                    metadata: chunk.metadata, documentMetadata: document.metadata,
                    createdAt: stored.createdAt.timeIntervalSince1970)
                index!.add(key: key, vector: chunk.vector)
                stored.chunkKeys.append(key)
            }
            documents[document.id] = stored
            return (makeDocument(stored, includeEmbeddings: false), existing == nil)
        }
    }

    /// Removes a document and its chunks; throws `document_not_found` when absent.
    func removeDocument(_ id: String) throws {
        try lock.withWriteLock {
            guard let existing = documents.removeValue(forKey: id) else { throw EngineError.documentNotFound(id) }
            removeChunksLocked(of: existing)
            order.noteRemoval(liveCount: documents.count) { sequence, id in documents[id]?.sequence == sequence }
        }
    }

    private func removeChunksLocked(of document: StoredDocument) {
        for key in document.chunkKeys {
            chunks.removeValue(forKey: key)
            index?.remove(key: key)
        }
    }

    func document(_ id: String, includeEmbeddings: Bool) throws -> Document {
        try lock.withReadLock {
            guard let stored = documents[id] else { throw EngineError.documentNotFound(id) }
            return makeDocument(stored, includeEmbeddings: includeEmbeddings)
        }
    }

    /// Up to `limit` documents after `cursor` (a sequence), in insertion order.
    func page(limit: Int, after cursor: UInt64, includeEmbeddings: Bool) -> DocumentPage {
        lock.withReadLock {
            var result: [Document] = []
            var position = order.firstIndex(after: cursor)
            var lastSequence = cursor
            while position < order.entries.count && result.count < limit {
                let entry = order.entries[position]
                position += 1
                guard let stored = documents[entry.id], stored.sequence == entry.sequence else { continue }
                result.append(makeDocument(stored, includeEmbeddings: includeEmbeddings))
                lastSequence = entry.sequence
            }
            let more = order.entries[position...].contains { documents[$0.id]?.sequence == $0.sequence }
            return DocumentPage(documents: result, nextCursor: more ? String(lastSequence) : nil)
        }
    }

    private func makeDocument(_ stored: StoredDocument, includeEmbeddings: Bool) -> Document {
        Document(
            id: stored.id, libraryId: id, title: stored.title, metadata: stored.metadata,
            chunks: stored.chunkKeys.map { makeChunk(key: $0, includeEmbedding: includeEmbeddings) },
            createdAt: stored.createdAt, updatedAt: stored.updatedAt)
    }

    private func makeChunk(key: UInt64, includeEmbedding: Bool) -> Chunk {
        let stored = chunks[key]!
        return Chunk(
            id: stored.id, documentId: stored.documentId, text: stored.text, metadata: stored.metadata,
            embedding: includeEmbedding ? index?.vector(for: key) : nil)
    }
}

/// One search result, with the API's `distance` and `score` (see `DistanceMetric`).
public struct SearchHit: Sendable {
    public var chunk: Chunk
    public var documentId: String
    public var distance: Double
    public var score: Double
}

extension LibraryStore {
    /// The exact `k` nearest chunks to `vector` passing `filter`, nearest first, cut at
    /// `distanceThreshold` (an API distance). An empty library answers no results.
    func search(
        vector: [Float], k: Int, filter: Filter?, distanceThreshold: Double?, includeEmbeddings: Bool
    ) throws -> [SearchHit] {
        try lock.withReadLock {
            guard let index, let dimension = settings.dimension else { return [] }
            guard vector.count == dimension else {
                throw EngineError.dimensionMismatch(expected: dimension, actual: vector.count, field: "query_vector")
            }
            let neighbors: [Neighbor]
            if let filter {
                neighbors = index.search(query: vector, k: k) { key in self.chunks[key].map(filter.matches) ?? false }
            } else {
                neighbors = index.search(query: vector, k: k, filter: nil)
            }
            let metric = settings.metric
            return neighbors.compactMap { neighbor in
                let distance = metric.apiDistance(fromScore: neighbor.score)
                if let distanceThreshold, distance > distanceThreshold { return nil }
                let chunk = makeChunk(key: neighbor.key, includeEmbedding: includeEmbeddings)
                return SearchHit(
                    chunk: chunk, documentId: chunk.documentId, distance: distance,
                    score: metric.apiScore(fromScore: neighbor.score))
            }
        }
    }
}
