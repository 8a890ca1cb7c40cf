import ArrwIndex
import ArrwText
import Foundation

extension LibraryStore {
    /// Stores `document`; `replace` allows overwriting an existing one (keeping its position
    /// and creation time). Logs the change, applies it and returns the stored document, whether
    /// it was new, how many vectors the document it replaced had, and the change's sequence
    /// (wait for it to be durable before acknowledging).
    /// Nothing changes when it throws.
    func store(_ document: PreparedDocument, replace: Bool) throws -> (Document, created: Bool, replacedVectors: Int, sequence: UInt64) {
        try lock.withWriteLock {
            try checkLiveLocked()
            let existing = documents[document.id]
            if existing != nil && !replace { throw EngineError.duplicateDocument(document.id) }
            try checkEmbeddedByLocked(document.embeddedBy)
            let record = Self.record(of: document, createdAt: existing?.createdAt, now: Date())
            try checkVectorsLocked(of: record, dimension: settings.dimension)
            let sequence = try journal.append(.putDocument(libraryId: id, record))
            let stored = applyPutLocked(record, sequence: sequence, chunkTerms: document.chunkTerms)
            return (makeDocument(stored, includeEmbeddings: false), existing == nil, existing?.chunkKeys.count ?? 0, sequence)
        }
    }

    /// A new document made ready for `storeNew` outside any lock: its logged form, created
    /// `now`, with the change encoded.
    func pendingPut(_ document: PreparedDocument, now: Date) -> PendingPut {
        let record = Self.record(of: document, createdAt: nil, now: now)
        return PendingPut(
            record: record, change: EncodedChange(.putDocument(libraryId: id, record)), chunkTerms: document.chunkTerms,
            embeddedBy: document.embeddedBy)
    }

    /// Stores new documents, each alone: one whose id exists (or came earlier in the batch),
    /// whose vectors have the wrong dimension or a zero vector under cosine gets its error and
    /// the others are stored. The accepted ones are logged in one append (one write, one
    /// fsync) and applied under one write lock. Returns each document's id or error, in order,
    /// and the last sequence logged (nil when nothing was). Throws, changing nothing, when the
    /// library is deleted or the log fails.
    func storeNew(_ batch: [PendingPut]) throws -> (results: [Result<String, EngineError>], lastSequence: UInt64?) {
        try lock.withWriteLock {
            try checkLiveLocked()
            var dimension = settings.dimension
            var seen = Set<String>()
            var accepted: [PendingPut] = []
            var results: [Result<String, EngineError>] = []
            for put in batch {
                let id = put.record.id
                do {
                    if documents[id] != nil || seen.contains(id) { throw EngineError.duplicateDocument(id) }
                    try checkEmbeddedByLocked(put.embeddedBy)
                    try checkVectorsLocked(of: put.record, dimension: dimension)
                    dimension = dimension ?? put.record.chunks.first?.vector.count
                    seen.insert(id)
                    accepted.append(put)
                    results.append(.success(id))
                } catch {
                    results.append(.failure(error as? EngineError ?? .validation("\(error)")))
                }
            }
            guard !accepted.isEmpty else { return (results, nil) }
            let sequences = try journal.append(contentsOf: accepted.map(\.change))
            // A small batch goes one by one; a large one side by side, after its first put when
            // that one sets the library's dimension (and so makes its index and tail).
            let alone = accepted.count < Self.sideBySideBatch ? accepted.count : settings.dimension == nil ? 1 : 0
            for (offset, put) in accepted.prefix(alone).enumerated() {
                applyPutLocked(put.record, sequence: sequences.lowerBound + UInt64(offset), chunkTerms: put.chunkTerms)
            }
            let rest = accepted.dropFirst(alone)
            if !rest.isEmpty { applyNewPutsLocked(rest, lastSequence: sequences.upperBound) }
            return (results, sequences.upperBound)
        }
    }

    /// Throws unless every chunk's vector has `dimension` entries (any, when nil, as long as the
    /// chunks agree) and, under cosine, a direction.
    private func checkVectorsLocked(of record: DocumentRecord, dimension: Int?) throws {
        let first = record.chunks.first?.vector.count ?? 0
        if let expected = dimension, expected != first {
            throw EngineError.dimensionMismatch(expected: expected, actual: first, field: "embedding")
        }
        if settings.metric == .cosine, let zero = record.chunks.firstIndex(where: { $0.vector.allSatisfy { $0 == 0 } }) {
            throw EngineError.validation(
                "chunk \(zero) has a zero vector, which has no direction under the cosine metric", field: "embedding")
        }
    }

    /// The logged form of `document`: new chunk ids where it brings none, created now unless
    /// it replaces a document created at `createdAt`.
    private static func record(of document: PreparedDocument, createdAt: Date?, now: Date) -> DocumentRecord {
        DocumentRecord(
            id: document.id, title: document.title, metadata: document.metadata,
            createdAt: createdAt ?? now, updatedAt: now,
            chunks: document.chunks.map {
                .init(id: $0.id ?? RandomIdentifier.uuidString(), text: $0.text, metadata: $0.metadata, vector: $0.vector)
            })
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
                id: chunk.id, documentId: record.id, index: position, text: chunk.text, metadata: chunk.metadata,
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

    /// Puts of new documents at least this many are applied by `applyNewPutsLocked`.
    static let sideBySideBatch = 64

    /// Applies logged puts of new documents (none of them stored, the library's dimension
    /// set), the last with sequence `lastSequence`: what `applyPutLocked` does for each, with
    /// the three kinds of state it fills side by side on the cores: the documents, chunks and
    /// order; the fresh tail (and a running rebuild's record); the keyword index. Each part is
    /// filled in the puts' order, so the result is the one the one-by-one path gives. Runs
    /// under the write lock.
    func applyNewPutsLocked(_ puts: ArraySlice<PendingPut>, lastSequence: UInt64) {
        let firstKeys = puts.map { put in
            defer { nextKey += UInt64(put.record.chunks.count) }
            return nextKey
        }
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            for (put, firstKey) in zip(puts, firstKeys) {
                let record = put.record
                switch part {
                case 0:
                    var stored = StoredDocument(
                        id: record.id, title: record.title, metadata: record.metadata, chunkKeys: [],
                        createdAt: record.createdAt, updatedAt: record.updatedAt, sequence: order.append(record.id))
                    for (position, chunk) in record.chunks.enumerated() {
                        let key = firstKey + UInt64(position)
                        chunks[key] = StoredChunk(
                            id: chunk.id, documentId: record.id, index: position, text: chunk.text, metadata: chunk.metadata,
                            documentMetadata: record.metadata, createdAt: record.createdAt.timeIntervalSince1970)
                        stored.chunkKeys.append(key)
                    }
                    documents[record.id] = stored
                case 1:
                    for (position, chunk) in record.chunks.enumerated() {
                        tail!.add(key: firstKey + UInt64(position), vector: chunk.vector)
                        rebuild?.record(.add(firstKey + UInt64(position), chunk.vector))
                    }
                default:
                    guard let analyzer else { return }
                    for (position, chunk) in record.chunks.enumerated() {
                        keywords.add(key: firstKey + UInt64(position), terms: put.chunkTerms?[position] ?? analyzer.terms(chunk.text))
                    }
                }
            }
        }
        appliedThrough = lastSequence
    }

    /// Removes a document and its chunks, logging the change; returns its sequence and how many
    /// vectors went with it. Throws `document_not_found` when absent.
    func removeDocument(_ documentId: String) throws -> (sequence: UInt64, vectors: Int) {
        try lock.withWriteLock {
            try checkLiveLocked()
            guard let existing = documents[documentId] else { throw EngineError.documentNotFound(documentId) }
            let sequence = try journal.append(.deleteDocument(libraryId: id, documentId: documentId, at: Date()))
            applyRemoveLocked(documentId, sequence: sequence)
            return (sequence, existing.chunkKeys.count)
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

    func holdsDocument(_ id: String) -> Bool {
        lock.withReadLock { documents[id] != nil }
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
        let (metadata, fields) = OriginalFields.split(stored.metadata)
        return Document(
            id: stored.id, libraryId: id, title: stored.title, metadata: metadata, fields: fields,
            chunks: stored.chunkKeys.map { makeChunk(key: $0, includeEmbedding: includeEmbeddings) },
            createdAt: stored.createdAt, updatedAt: stored.updatedAt)
    }

    func makeChunk(key: UInt64, includeEmbedding: Bool) -> Chunk {
        let stored = chunks[key]!
        return Chunk(
            id: stored.id, documentId: stored.documentId, index: stored.index, documentTitle: documents[stored.documentId]?.title ?? "",
            text: stored.text, metadata: stored.metadata,
            embedding: includeEmbedding ? storedVector(key) : nil)
    }
}
