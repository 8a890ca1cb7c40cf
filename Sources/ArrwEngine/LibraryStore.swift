import ArrwIndex
import ArrwText
import Foundation
import Synchronization

/// One library's documents, chunks and vector index, behind a reader-writer lock:
/// searches and reads share it, writes take it alone, so writes to a library are serialized
/// while its searches run in parallel.
///
/// Invariants (hold whenever the lock is free): every chunk key in a stored document maps to
/// one `StoredChunk` and one vector, held by `index` or by the fresh `tail` (both when the
/// background builder is between the phases of a batch: see `LibraryStore+Tail.swift`), and
/// nothing else is in `chunks`, `index` or `tail`; `index` and `tail` exist exactly when
/// `settings.dimension` is set and hold vectors of that dimension only; `index` is of the type
/// `settings.index` names. While a rebuild runs, every vector added and every key removed is
/// also recorded in `rebuild.pending`, so the new index can catch up before it is swapped in.
/// `keywords` holds exactly the stored chunks' texts as `analyzer` analyzes them (nothing when
/// the library has no analyzer).
/// Every change is logged in `journal` and applied under the write lock in one step, so the
/// store reflects exactly the logged changes up to `appliedThrough`; once `isDeleted` is set
/// (the library's deletion was logged) it accepts no more changes.
final class LibraryStore: @unchecked Sendable {
    let id: UUID
    /// The owning tenant (`LibraryInfo.tenantId`), fixed at creation, so readable without the lock.
    let tenantId: String
    let journal: Journal
    let lock = ReadWriteLock()
    var settings: LibraryInfo
    var documents: [String: StoredDocument] = [:]
    var chunks: [UInt64: StoredChunk] = [:]
    var order = DocumentOrder()
    var index: (any VectorIndex)?
    /// Vectors written but not yet in `index`, scanned exactly by every search, until the
    /// background builder (`IndexBuilder`) moves them into `index`.
    var tail: BruteForceIndex?
    /// Held by the builder while it reads `index` without the store's lock (phase 2 of an HNSW
    /// batch); every other change to `index` in place (a removal, a search parameter) takes it
    /// too, under the write lock. Order: `lock`, then `graphLock`.
    let graphLock = NSLock()
    /// Writers waiting for room in `tail` (see `waitForTailRoom`), resumed as the builder absorbs.
    let tailWaiters = TailWaiters()
    /// What the builder moved into `index` lately, for `statistics`.
    let buildRate = Mutex(IndexBuildRate())
    var rebuild: IndexRebuild?
    /// BM25 over every chunk's text, under the chunk's key: derived state, kept by the same
    /// choke points as `index`, saved in snapshots (rebuilt from the texts when a snapshot
    /// written before version 3 of the library section is loaded).
    var keywords = BM25Index()
    /// The library's text analysis (`settings.textAnalyzer`); nil: no keyword index is kept.
    let analyzer: Analyzer?
    var nextKey: UInt64 = 1
    /// The sequence of the last logged change applied to this library.
    var appliedThrough: UInt64 = 0
    var isDeleted = false

    init(settings: LibraryInfo, journal: Journal) {
        id = settings.id
        tenantId = settings.tenantId
        self.journal = journal
        self.settings = settings
        analyzer = settings.textAnalyzer.analyzer
        if let dimension = settings.dimension {
            index = settings.index.makeIndex(dimension: dimension, metric: settings.metric)
            tail = BruteForceIndex(dimension: dimension, metric: settings.metric)
        }
    }

    var info: LibraryInfo {
        lock.withReadLock { infoLocked() }
    }

    var dimension: Int? {
        lock.withReadLock { settings.dimension }
    }

    /// The name of the index type that serves searches (`hnsw`, `brute_force`, ...).
    var indexTypeName: String {
        lock.withReadLock { settings.index.type.rawValue }
    }

    /// Changes the description and/or metadata (nil leaves a field as it is), logging the
    /// change; returns the library and the change's sequence (nil when nothing was given).
    func update(description: String?, metadata: [String: JSONValue]?) throws -> (LibraryInfo, sequence: UInt64?) {
        try lock.withWriteLock {
            try checkLiveLocked()
            guard description != nil || metadata != nil else { return (infoLocked(), nil) }
            let now = Date()
            let sequence = try journal.append(.updateLibrary(id: id, description: description, metadata: metadata, updatedAt: now))
            applyUpdateLocked(description: description, metadata: metadata, at: now, sequence: sequence)
            return (infoLocked(), sequence)
        }
    }

    func applyUpdateLocked(description: String?, metadata: [String: JSONValue]?, at date: Date, sequence: UInt64) {
        if let description { settings.description = description }
        if let metadata { settings.metadata = metadata }
        settings.updatedAt = date
        appliedThrough = sequence
    }

    /// Logs the library's deletion and refuses changes from now on (writers waiting for room
    /// in the tail go on, to fail); returns the sequence.
    func markDeleted() throws -> UInt64 {
        let sequence = try lock.withWriteLock {
            try checkLiveLocked()
            let sequence = try journal.append(.deleteLibrary(id: id, at: Date()))
            isDeleted = true
            appliedThrough = sequence
            return sequence
        }
        tailWaiters.resumeAll()
        return sequence
    }

    /// Throws `library_not_found` once the library's deletion was logged. Under the write lock.
    func checkLiveLocked() throws {
        guard !isDeleted else { throw EngineError.libraryNotFound(id.uuidString.lowercased()) }
    }

    var statistics: LibraryStatistics {
        lock.withReadLock {
            LibraryStatistics(
                documentCount: documents.count, chunkCount: chunks.count, dimension: settings.dimension,
                metric: settings.metric, index: settings.index,
                indexMemoryBytes: (index?.memoryBytes ?? 0) + (tail?.memoryBytes ?? 0), pendingIndexVectors: tail?.count ?? 0,
                indexBuildRate: buildRate.withLock { $0.perSecond(at: Date()) },
                textAnalyzer: settings.textAnalyzer, keywordTerms: keywords.termCount, keywordMemoryBytes: keywords.memoryBytes,
                buildTarget: rebuild?.target)
        }
    }

    /// The recorded embedding provider and model, as one string (`PreparedDocument.embeddedBy`).
    var embeddingKeyLocked: String { settings.embeddingProvider + "\u{0}" + settings.embeddingModel }

    /// Throws when a document's texts were embedded for another model than the library's now
    /// (it moved meanwhile). Under the lock.
    func checkEmbeddedByLocked(_ embeddedBy: String?) throws {
        guard let embeddedBy, embeddedBy != embeddingKeyLocked else { return }
        throw EngineError.libraryMoved(id.lowercased, to: settings.embeddingModel)
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
    /// The chunk's position in its document.
    var index: Int
    var text: String
    var metadata: [String: JSONValue]
    var documentMetadata: [String: JSONValue]
    var createdAt: Double

    func value(at path: [String]) -> JSONValue? {
        switch path {
        case ["document_id"]: return .string(documentId)
        case ["created_at"]: return .double(createdAt)
        case ["chunk_index"]: return .int(Int64(index))
        default:
            guard let head = path.first,
                  let top = metadata[head] ?? documentMetadata[head] ?? documentMetadata[OriginalFields.storageKey]?.object?[head]
            else { return nil }
            return lookUp(path.dropFirst(), in: top)
        }
    }
}

/// A new document of a batch, made ready outside the write lock (`LibraryStore.pendingPut`):
/// what `storeNew` checks, logs and applies.
struct PendingPut: Sendable {
    let record: DocumentRecord
    let change: EncodedChange
    let chunkTerms: [[String]]?
    /// `PreparedDocument.embeddedBy`.
    let embeddedBy: String?
}

/// A document ready to store: every chunk has its vector, all of one length.
struct PreparedDocument: Sendable {
    var id: String
    var title: String
    var metadata: [String: JSONValue]
    var chunks: [(id: String?, text: String, metadata: [String: JSONValue], vector: [Float])]
    /// Each chunk's analyzed text, computed before the write lock is taken (nil: the library
    /// keeps no keyword index, or the caller left the analysis to `applyPutLocked`).
    var chunkTerms: [[String]]? = nil
    /// The library's `embeddingKey` when some chunk's text was embedded for it (nil: every
    /// vector was the client's); storing it once the library has moved to another model fails.
    var embeddedBy: String? = nil
}
