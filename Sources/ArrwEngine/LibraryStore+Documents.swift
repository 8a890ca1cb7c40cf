import ArrwIndex
import Foundation

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
                index = settings.index.makeIndex(dimension: dimension, metric: settings.metric)
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
                rebuild?.pending.append(.add(key, chunk.vector))
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

    func removeChunksLocked(of document: StoredDocument) {
        for key in document.chunkKeys {
            chunks.removeValue(forKey: key)
            index?.remove(key: key)
            rebuild?.pending.append(.remove(key))
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

    func makeDocument(_ stored: StoredDocument, includeEmbeddings: Bool) -> Document {
        Document(
            id: stored.id, libraryId: id, title: stored.title, metadata: stored.metadata,
            chunks: stored.chunkKeys.map { makeChunk(key: $0, includeEmbedding: includeEmbeddings) },
            createdAt: stored.createdAt, updatedAt: stored.updatedAt)
    }

    func makeChunk(key: UInt64, includeEmbedding: Bool) -> Chunk {
        let stored = chunks[key]!
        return Chunk(
            id: stored.id, documentId: stored.documentId, text: stored.text, metadata: stored.metadata,
            embedding: includeEmbedding ? index?.vector(for: key) : nil)
    }
}
