import ArrwIndex
import ArrwText
import Foundation

extension LibraryStore {
    /// Stores `document`; `replace` allows overwriting an existing one (keeping its position
    /// and creation time). Logs the change, applies it and returns the stored document, whether
    /// it was new, and the change's sequence (wait for it to be durable before acknowledging).
    /// Nothing changes when it throws.
    func store(_ document: PreparedDocument, replace: Bool) throws -> (Document, created: Bool, sequence: UInt64) {
        try lock.withWriteLock {
            try checkLiveLocked()
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
            let now = Date()
            let record = DocumentRecord(
                id: document.id, title: document.title, metadata: document.metadata,
                createdAt: existing?.createdAt ?? now, updatedAt: now,
                chunks: document.chunks.map { .init(id: $0.id ?? UUID().uuidString.lowercased(), text: $0.text, metadata: $0.metadata, vector: $0.vector) })
            let sequence = try journal.append(.putDocument(libraryId: id, record))
            let stored = applyPutLocked(record, sequence: sequence, chunkTerms: document.chunkTerms)
            return (makeDocument(stored, includeEmbeddings: false), existing == nil, sequence)
        }
    }

    /// Applies a logged `putDocument` (a first write or a replay). Runs under the write lock.
    /// `chunkTerms`, when given, are the chunks' texts as the library's analyzer analyzed them.
    @discardableResult
    func applyPutLocked(_ record: DocumentRecord, sequence: UInt64, chunkTerms: [[String]]? = nil) -> StoredDocument {
        let existing = documents[record.id]
        if settings.dimension == nil, let first = record.chunks.first {
            settings.dimension = first.vector.count
            index = settings.index.makeIndex(dimension: first.vector.count, metric: settings.metric)
            tail = BruteForceIndex(dimension: first.vector.count, metric: settings.metric)
        }
        var stored = StoredDocument(
            id: record.id, title: record.title, metadata: record.metadata, chunkKeys: [],
            createdAt: record.createdAt, updatedAt: record.updatedAt, sequence: existing?.sequence ?? 0)
        if let existing { removeChunksLocked(of: existing) } else { stored.sequence = order.append(record.id) }
        for (position, chunk) in record.chunks.enumerated() {
            let key = nextKey
            nextKey += 1
            chunks[key] = StoredChunk(
                id: chunk.id, documentId: record.id, text: chunk.text, metadata: chunk.metadata,
                documentMetadata: record.metadata, createdAt: record.createdAt.timeIntervalSince1970)
            tail!.add(key: key, vector: chunk.vector)
            rebuild?.record(.add(key, chunk.vector))
            if let analyzer { keywords.add(key: key, terms: chunkTerms?[position] ?? analyzer.terms(chunk.text)) }
            stored.chunkKeys.append(key)
        }
        documents[record.id] = stored
        appliedThrough = sequence
        return stored
    }

    /// Removes a document and its chunks, logging the change; returns its sequence.
    /// Throws `document_not_found` when absent.
    func removeDocument(_ documentId: String) throws -> UInt64 {
        try lock.withWriteLock {
            try checkLiveLocked()
            guard documents[documentId] != nil else { throw EngineError.documentNotFound(documentId) }
            let sequence = try journal.append(.deleteDocument(libraryId: id, documentId: documentId, at: Date()))
            applyRemoveLocked(documentId, sequence: sequence)
            return sequence
        }
    }

    /// Applies a logged `deleteDocument`; a document already absent is left absent.
    func applyRemoveLocked(_ documentId: String, sequence: UInt64) {
        if let existing = documents.removeValue(forKey: documentId) {
            removeChunksLocked(of: existing)
            order.noteRemoval(liveCount: documents.count) { sequence, id in documents[id]?.sequence == sequence }
        }
        appliedThrough = sequence
    }

    func removeChunksLocked(of document: StoredDocument) {
        for key in document.chunkKeys {
            chunks.removeValue(forKey: key)
            tail?.remove(key: key)
            if let index, index.contains(key: key) { graphLock.withLock { _ = index.remove(key: key) } }
            rebuild?.record(.remove(key))
            keywords.remove(key: key)
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

    /// Up to `limit` ids of documents with a chunk that `filter` matches, in insertion order.
    func documentIds(matching filter: Filter, limit: Int) -> [String] {
        lock.withReadLock {
            var ids: [String] = []
            for entry in order.entries where ids.count < limit {
                guard let stored = documents[entry.id], stored.sequence == entry.sequence else { continue }
                if stored.chunkKeys.contains(where: { chunks[$0].map(filter.matches) ?? false }) { ids.append(stored.id) }
            }
            return ids
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
            embedding: includeEmbedding ? storedVector(key) : nil)
    }
}
