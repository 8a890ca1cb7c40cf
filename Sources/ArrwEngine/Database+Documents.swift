import ArrwEmbedding
import ArrwText
import Foundation
import Synchronization

extension Database {
    /// Stores a new document, embedding the chunks that bring no vector.
    /// Throws `duplicate_document` when `draft.id` exists already.
    public func addDocument(libraryId: String, _ draft: DocumentDraft) async throws -> Document {
        let store = try store(libraryId)
        let (document, _, _, sequence) = try await reembeddingIfMoved {
            let prepared = try await prepare([draft], for: store)
            return try await admitted(to: store) { try store.store(prepared[0].get(), replace: false) }
        }
        try await journal.waitUntilDurable(sequence)
        observers.current?.documentsAdded(1, vectors: document.chunks.count)
        return document
    }

    /// Stores or replaces the document `documentId` (PUT semantics). Returns whether it was new.
    public func replaceDocument(libraryId: String, documentId: String, _ draft: DocumentDraft) async throws -> (Document, created: Bool) {
        try DocumentDraft.validateDocumentId(documentId)
        if let id = draft.id, id != documentId {
            throw EngineError.validation("body 'id' '\(id)' differs from the path's '\(documentId)'", field: "id")
        }
        let store = try store(libraryId)
        var draft = draft
        draft.id = documentId
        let (document, created, replacedVectors, sequence) = try await reembeddingIfMoved {
            let prepared = try await prepare([draft], for: store)
            return try await admitted(to: store) { try store.store(prepared[0].get(), replace: true) }
        }
        try await journal.waitUntilDurable(sequence)
        if let observer = observers.current {
            if !created { observer.documentsDeleted(0, vectors: replacedVectors) }
            observer.documentsAdded(created ? 1 : 0, vectors: document.chunks.count)
        }
        return (document, created)
    }

    /// Stores each document of a batch alone: an item fails with its own error (parse errors
    /// passed in as `.failure`) and the others are stored. Texts are embedded in one call; the
    /// outcome counts the retries a remote provider needed for it.
    /// Each document is its own logged change (atomic per document), all logged in one append;
    /// the batch is acknowledged once the last stored one is durable, which makes every earlier
    /// one durable too.
    public func addDocuments(libraryId: String, _ drafts: [Result<DocumentDraft, EngineError>]) async throws -> BatchOutcome {
        guard drafts.count <= limits.maxDocumentsPerBatch else {
            throw EngineError.limitExceeded(
                "a batch holds at most \(limits.maxDocumentsPerBatch) documents; got \(drafts.count)",
                limit: limits.maxDocumentsPerBatch, field: "documents")
        }
        let store = try store(libraryId)
        let outcome = try await storeBatch(store, drafts)
        // Documents embedded for the old model while the library moved are embedded again, once.
        let moved = outcome.results.indices.filter { outcome.results[$0].error?.isLibraryMoved == true }
        guard !moved.isEmpty else { return outcome }
        let retried = try await storeBatch(store, moved.map { drafts[$0] })
        var results = outcome.results
        for (position, result) in zip(moved, retried.results) {
            results[position] = BatchItemResult(line: position + 1, documentId: result.documentId, error: result.error, chunks: result.chunks)
        }
        return BatchOutcome(results: results, embeddingRetries: outcome.embeddingRetries + retried.embeddingRetries)
    }

    /// `addDocuments`' one pass.
    private func storeBatch(_ store: LibraryStore, _ drafts: [Result<DocumentDraft, EngineError>]) async throws -> BatchOutcome {
        let valid = drafts.compactMap { try? $0.get() }
        let tally = EmbeddingCallTally()
        let prepared = try await EmbeddingCallTally.$current.withValue(tally) { try await prepare(valid, for: store) }
        let now = Date()
        let puts = await prepared.compactMap { try? $0.get() }.concurrentMap { store.pendingPut($0, now: now) }
        let (stored, lastSequence) = try await admitted(to: store) { try store.storeNew(puts) }
        var preparedResults = prepared.makeIterator()
        var storedResults = stored.makeIterator()
        let results = drafts.enumerated().map { position, draft in
            let outcome = draft.flatMap { _ in preparedResults.next()! }.flatMap { _ in storedResults.next()! }
            return switch outcome {
            case .success(let id): BatchItemResult(line: position + 1, documentId: id, error: nil, chunks: (try? draft.get())?.chunks.count ?? 0)
            case .failure(let error): BatchItemResult(line: position + 1, documentId: try? draft.get().id, error: error)
            }
        }
        if let lastSequence { try await journal.waitUntilDurable(lastSequence) }
        if let observer = observers.current {
            let added = zip(puts, stored).filter { (try? $1.get()) != nil }
            observer.documentsAdded(added.count, vectors: added.reduce(0) { $0 + $1.0.record.chunks.count })
        }
        return BatchOutcome(results: results, embeddingRetries: tally.retries)
    }

    /// The ids of the libraries holding a document with id `documentId`, oldest library first
    /// (the original arrwDB's routes name a document without its library).
    public func libraries(holdingDocument documentId: String) -> [String] {
        let stores = catalog.withLock { Array($0.libraries.values) }
        return stores.filter { $0.holdsDocument(documentId) }.map(\.info).sorted { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }
            .map { $0.id.uuidString.lowercased() }
    }

    public func document(libraryId: String, documentId: String, includeEmbeddings: Bool = false) throws -> Document {
        try store(libraryId).document(documentId, includeEmbeddings: includeEmbeddings)
    }

    /// A page of documents in insertion order. `cursor` is a previous page's `nextCursor`.
    public func listDocuments(libraryId: String, limit: Int, cursor: String?, includeEmbeddings: Bool = false) throws -> DocumentPage {
        let store = try store(libraryId)
        guard (1...limits.maxPageSize).contains(limit) else {
            throw EngineError.limitExceeded("'limit' must be between 1 and \(limits.maxPageSize)", limit: limits.maxPageSize, field: "limit")
        }
        var after: UInt64 = 0
        if let cursor {
            guard let sequence = UInt64(cursor) else {
                throw EngineError.validation("'cursor' is not a cursor this server issued", field: "cursor")
            }
            after = sequence
        }
        return store.page(limit: limit, after: after, includeEmbeddings: includeEmbeddings)
    }

    /// Up to `limit` ids of documents with a chunk that `filter` matches, in insertion order.
    public func documentIds(libraryId: String, matching filter: Filter, limit: Int) throws -> [String] {
        try store(libraryId).documentIds(matching: filter, limit: limit)
    }

    public func deleteDocument(libraryId: String, documentId: String) async throws {
        let (sequence, vectors) = try store(libraryId).removeDocument(documentId)
        try await journal.waitUntilDurable(sequence)
        observers.current?.documentsDeleted(1, vectors: vectors)
    }

    /// Deletes each listed document alone; a missing one fails with `document_not_found`.
    public func deleteDocuments(libraryId: String, documentIds: [String]) async throws -> BatchOutcome {
        guard !documentIds.isEmpty else {
            throw EngineError.validation("'document_ids' must not be empty", field: "document_ids")
        }
        guard documentIds.count <= limits.maxDocumentsPerBatch else {
            throw EngineError.limitExceeded(
                "a batch holds at most \(limits.maxDocumentsPerBatch) documents; got \(documentIds.count)",
                limit: limits.maxDocumentsPerBatch, field: "document_ids")
        }
        let store = try store(libraryId)
        var lastSequence: UInt64?
        var removedVectors = 0
        let results = documentIds.enumerated().map { position, id in
            do {
                let removed = try store.removeDocument(id)
                lastSequence = removed.sequence
                removedVectors += removed.vectors
                return BatchItemResult(line: position + 1, documentId: id, error: nil, chunks: removed.vectors)
            } catch {
                return BatchItemResult(line: position + 1, documentId: id, error: error as? EngineError ?? .documentNotFound(id))
            }
        }
        if let lastSequence { try await journal.waitUntilDurable(lastSequence) }
        observers.current?.documentsDeleted(results.filter { $0.error == nil }.count, vectors: removedVectors)
        return BatchOutcome(results: results)
    }

    /// Checks every draft and gives it its id and vectors: the chunks without an embedding are
    /// embedded in one provider call. Per draft, a failure (an invariant broken, a wrong
    /// dimension) is returned, not thrown; a provider failure is thrown for the whole call.
    private func prepare(_ drafts: [DocumentDraft], for store: LibraryStore) async throws -> [Result<PreparedDocument, EngineError>] {
        let libraryDimension = store.dimension
        let limits = limits
        // Resolved once for the batch; a library whose provider is gone fails only the drafts
        // that need embedding, each with the same 409.
        let embeddingKey = store.lock.withReadLock { store.embeddingKeyLocked }
        let provider = Result { try embeddingProvider(for: store) }.mapError { $0 as? EngineError ?? .embeddingFailed("\($0)") }
        let checked: [Result<DocumentDraft, EngineError>] = await drafts.concurrentMap { draft in
            do {
                try draft.validate(limits: limits)
                let needsEmbedding = draft.chunks.contains { $0.embedding == nil }
                let modelDimension = needsEmbedding ? try provider.get().dimension : 0
                let expected = libraryDimension ?? (modelDimension > 0 ? modelDimension : nil)
                if let provided = draft.providedDimension, let expected, provided != expected {
                    let field = libraryDimension == nil ? "embedding (the embedding model gives \(expected))" : "embedding"
                    return .failure(.dimensionMismatch(expected: expected, actual: provided, field: field))
                }
                if needsEmbedding {
                    if let requested = draft.embeddingModel { _ = try self.embeddingProvider(for: store, requested: requested) }
                    try self.checkProviderDimension(try provider.get(), library: libraryDimension, advice: "send an 'embedding' with every chunk")
                }
                return .success(draft)
            } catch {
                return .failure(error as? EngineError ?? .validation("\(error)"))
            }
        }
        let texts = checked.flatMap { (try? $0.get())?.chunks.filter { $0.embedding == nil }.map(\.text) ?? [] }
        var vectors = try await (texts.isEmpty ? [] : embed(texts, purpose: .document, with: provider.get())).makeIterator()
        var analyzed: IndexingIterator<[[String]]>?
        if let analyzer = store.analyzer {
            analyzed = await Self.analyze(checked.flatMap { (try? $0.get())?.chunks.map(\.text) ?? [] }, with: analyzer).makeIterator()
        }
        return checked.map { result in
            result.map { draft in
                var chunkTerms: [[String]]?
                if analyzed != nil { chunkTerms = draft.chunks.map { _ in analyzed!.next()! } }
                return PreparedDocument(
                    id: draft.id ?? RandomIdentifier.uuidString(), title: draft.title,
                    metadata: OriginalFields.fold(draft.fields, into: draft.metadata),
                    chunks: draft.chunks.map { chunk in (chunk.id, chunk.text, chunk.metadata, chunk.embedding ?? vectors.next()!) },
                    chunkTerms: chunkTerms, embeddedBy: draft.chunks.contains { $0.embedding == nil } ? embeddingKey : nil)
            }
        }
    }

    /// Runs `attempt` (prepare and store one document) again, once, when the library moved to
    /// another embedding model between the two.
    private func reembeddingIfMoved<T>(_ attempt: () async throws -> T) async throws -> T {
        do {
            return try await attempt()
        } catch let error as EngineError where error.isLibraryMoved {
            return try await attempt()
        }
    }

    /// Runs `storing` (which adds vectors to `store`) once the library's fresh tail has room
    /// (`INDEX_TAIL_LIMIT`: a writer waits for the background builder rather than the tail
    /// growing without bound), then tells the builder.
    private func admitted<T>(to store: LibraryStore, _ storing: () throws -> T) async rethrows -> T {
        await store.waitForTailRoom(limit: limits.indexTailLimit)
        defer { indexBuilder.noteWrite() }
        return try storing()
    }

    /// The terms of each text, in order, analyzed outside any lock; a large batch is split
    /// over one task per core.
    static func analyze(_ texts: [String], with analyzer: Analyzer) async -> [[String]] {
        await texts.concurrentMap(minimumPerTask: 16, analyzer.terms)
    }
}
