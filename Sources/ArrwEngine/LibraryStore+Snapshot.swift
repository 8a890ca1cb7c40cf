import ArrwIndex
import ArrwText
import Dispatch
import Foundation

/// A value computed on another thread of a `concurrentPerform`, or nil when never set.
/// Unchecked: `result` is only touched under `lock`, and read after the threads joined.
final class ParallelResult<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, any Error>?

    func set(_ value: Result<Value, any Error>) {
        lock.withLock { result = value }
    }

    func get() throws -> Value? {
        try lock.withLock { result }?.get()
    }
}

/// A library's section of a snapshot payload (see `Database+Snapshot.swift` for the whole),
/// version 6:
///
/// | field | encoding |
/// | --- | --- |
/// | state | UInt8: 0 live, 1 deleted (its deletion is logged after the snapshot's sequence) |
/// | id, applied-through sequence | UUID, UInt64 |
/// | library | as in a create-library change record (live only, as are the fields below) |
/// | text analyzer | String: `english`, `simple` or `none` |
/// | embedding provider | String: the configured name of the provider of its model |
/// | tenant | String: the owning tenant's id, empty for the default tenant |
/// | rebuild target | UInt8 flag, then index settings and the time of the index change when 1 |
/// | next chunk key, last document order sequence | UInt64, UInt64 |
/// | documents block length | UInt64, so the index can be found without reading the documents |
/// | documents | UInt64 count; each id, title, metadata, created, updated, order sequence UInt64, UInt32 chunk count, then per chunk key UInt64, id, text, metadata |
/// | index | UInt8 flag, then UInt64 length and the index in its own envelope (`IndexCodec`) |
/// | keyword index | UInt8 flag (0 for `none`), then UInt64 length and `BM25Index.encoded()` |
/// | fresh tail | UInt8 flag (1 exactly when the index is there), then UInt64 length and the tail, a brute-force index in its envelope |
///
/// Documents are written in their insertion order; vectors live only in the index and tail
/// bytes (each chunk's in exactly one: the builder is paused while a snapshot is encoded). On
/// load the documents, the index, the keyword index and the tail are decoded in parallel; the
/// tail goes back to the background builder.
///
/// Version 5 (releases up to 930d84a) is the same without the tenant: its libraries belong to
/// the default tenant, the only one those releases had.
/// Version 4 (releases up to 121ecc6) is the same without the embedding provider: its libraries
/// take an empty name, served by whichever provider has their model. Version 3 (releases up to dbd2156) is the same without the fresh tail: every vector was in
/// the index, and the tail starts empty. Version 2 (releases up to baa6c47) is the same without the text analyzer and the keyword
/// index: its libraries analyze as `english`, the only analyzer those releases had, and their
/// keyword index is rebuilt from the texts. Version 1 (releases up to 0677ec5) is version 2
/// without the index change's time; a build in progress in such a section takes the
/// library's `updated_at` as that time.
extension LibraryStore {
    /// Encodes the library under the read lock (writers to this library wait; searches run).
    func encodeSnapshotSection() throws -> [UInt8] {
        try lock.withReadLock {
            var writer = ByteWriter()
            writer.write(UInt8(isDeleted ? 1 : 0))
            writer.write(uuid: id)
            writer.write(appliedThrough)
            guard !isDeleted else { return writer.bytes }
            writer.write(library: settings)
            writer.write(string: settings.textAnalyzer.rawValue)
            writer.write(string: settings.embeddingProvider)
            writer.write(string: settings.tenantId)
            let logged = rebuild.flatMap { rebuild in rebuild.requestedAt.map { (rebuild.target, $0) } }
            writer.write(UInt8(logged == nil ? 0 : 1))
            if let (target, requestedAt) = logged {
                writer.write(indexSettings: target)
                writer.write(date: requestedAt)
            }
            writer.write(nextKey)
            writer.write(order.lastSequence)
            writer.write(block: encodeDocumentsLocked())
            writer.write(optionalBlock: try index.map { try IndexCodec.encode(any: $0) })
            writer.write(optionalBlock: analyzer == nil ? nil : keywords.encoded())
            writer.write(optionalBlock: try tail.map { try IndexCodec.encode(any: $0) })
            return writer.bytes
        }
    }

    private func encodeDocumentsLocked() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(UInt64(documents.count))
        for entry in order.entries {
            guard let document = documents[entry.id], document.sequence == entry.sequence else { continue }
            writer.write(string: document.id)
            writer.write(string: document.title)
            writer.write(object: document.metadata)
            writer.write(date: document.createdAt)
            writer.write(date: document.updatedAt)
            writer.write(document.sequence)
            writer.write(UInt32(document.chunkKeys.count))
            for key in document.chunkKeys {
                let chunk = chunks[key]!
                writer.write(key)
                writer.write(string: chunk.id)
                writer.write(string: chunk.text)
                writer.write(object: chunk.metadata)
            }
        }
        return writer.bytes
    }

    /// The version of the section `encodeSnapshotSection` writes.
    static let snapshotSectionVersion: UInt16 = 6

    /// A library read back from its snapshot section, with the index build it had in progress.
    enum Loaded {
        case live(LibraryStore, rebuild: (target: IndexSettings, at: Date)?)
        case deleted(UUID, appliedThrough: UInt64)
    }

    typealias DecodedDocuments = (documents: [String: StoredDocument], chunks: [UInt64: StoredChunk], entries: [(sequence: UInt64, id: String)])

    /// Reads the documents block of a section.
    private static func decodeDocuments(_ reader: inout ByteReader) throws -> DecodedDocuments {
        let count = try reader.readCount(limit: reader.remaining)
        var documents: [String: StoredDocument] = Dictionary(minimumCapacity: count)
        var chunks: [UInt64: StoredChunk] = Dictionary(minimumCapacity: count)
        var entries: [(sequence: UInt64, id: String)] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let documentId = try reader.readString()
            let title = try reader.readString()
            let metadata = try reader.readObject()
            let createdAt = try reader.readDate()
            let updatedAt = try reader.readDate()
            let sequence = try reader.read(UInt64.self)
            let chunkCount = Int(try reader.read(UInt32.self))
            var keys: [UInt64] = []
            keys.reserveCapacity(chunkCount)
            for _ in 0..<chunkCount {
                let key = try reader.read(UInt64.self)
                chunks[key] = StoredChunk(
                    id: try reader.readString(), documentId: documentId, index: keys.count, text: try reader.readString(),
                    metadata: try reader.readObject(), documentMetadata: metadata, createdAt: createdAt.timeIntervalSince1970)
                keys.append(key)
            }
            documents[documentId] = StoredDocument(
                id: documentId, title: title, metadata: metadata, chunkKeys: keys, createdAt: createdAt, updatedAt: updatedAt,
                sequence: sequence)
            entries.append((sequence, documentId))
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after the documents") }
        return (documents, chunks, entries)
    }

    /// Reads one section written by `encodeSnapshotSection` (`version` 6) or an older release
    /// (5, 4, 3, 2, 1); throws on damage.
    static func decodeSnapshotSection(_ reader: inout ByteReader, version: UInt16, journal: Journal) throws -> Loaded {
        let state = try reader.read(UInt8.self)
        let id = try reader.readUUID()
        let appliedThrough = try reader.read(UInt64.self)
        if state == 1 { return .deleted(id, appliedThrough: appliedThrough) }
        guard state == 0 else { throw IndexFormatError.corrupt("unknown library state \(state)") }
        var settings = try reader.readLibrary()
        if version >= 3 { settings.textAnalyzer = try reader.readTextAnalyzer() }
        if version >= 5 { settings.embeddingProvider = try reader.readString() }
        if version >= 6 { settings.tenantId = try reader.readString() }
        guard settings.id == id else { throw IndexFormatError.corrupt("library section ids disagree") }
        let target = try reader.read(UInt8.self) == 1 ? try reader.readIndexSettings() : nil
        let targetTime = target == nil ? nil : version >= 2 ? try reader.readDate() : settings.updatedAt
        let nextKey = try reader.read(UInt64.self)
        let lastOrder = try reader.read(UInt64.self)
        let documentBlock = try reader.readBlock()
        let indexBlock = try reader.readOptionalBlock()
        let keywordBlock = version >= 3 ? try reader.readOptionalBlock() : nil
        let tailBlock = version >= 4 ? try reader.readOptionalBlock() : nil
        // The index, the documents, the keyword index and the tail decode on threads of their own.
        let decodedIndex = ParallelResult<any VectorIndex>()
        let decodedDocuments = ParallelResult<DecodedDocuments>()
        let decodedKeywords = ParallelResult<BM25Index>()
        let decodedTail = ParallelResult<any VectorIndex>()
        DispatchQueue.concurrentPerform(iterations: 4) { part in
            switch part {
            case 0:
                if var block = indexBlock { decodedIndex.set(Result { try IndexCodec.decode(from: &block) }) }
            case 1:
                var block = documentBlock
                decodedDocuments.set(Result { try decodeDocuments(&block) })
            case 2:
                if var block = keywordBlock {
                    decodedKeywords.set(Result { try BM25Index(encoded: block.readIntegers(UInt8.self, count: block.remaining)) })
                }
            default:
                if var block = tailBlock { decodedTail.set(Result { try IndexCodec.decode(from: &block) }) }
            }
        }
        let index = try decodedIndex.get()
        let (documents, chunks, entries) = try decodedDocuments.get()!
        let keywords = try decodedKeywords.get()
        let decoded = try decodedTail.get()
        guard decoded == nil || decoded is BruteForceIndex else {
            throw IndexFormatError.corrupt("library \(id): its tail is not a brute-force index")
        }
        let tail = (decoded as? BruteForceIndex) ?? index.map { BruteForceIndex(dimension: $0.dimension, metric: $0.metric) }
        guard (index == nil) == (settings.dimension == nil), (tail == nil) == (index == nil),
              index.map({ $0.count + tail!.count == chunks.count }) ?? chunks.isEmpty,
              tail.map({ $0.dimension == settings.dimension && $0.metric == settings.metric }) ?? true
        else {
            throw IndexFormatError.corrupt("library \(id): the index and its tail do not match its \(chunks.count) chunks")
        }
        let store = LibraryStore(settings: settings, journal: journal)
        store.index = index
        store.tail = tail
        store.documents = documents
        store.chunks = chunks
        if let keywords {
            guard store.analyzer != nil, keywords.count == chunks.count, chunks.keys.allSatisfy(keywords.contains(key:)) else {
                throw IndexFormatError.corrupt("library \(id): the keyword index does not match its \(chunks.count) chunks")
            }
            store.keywords = keywords
        } else if version < 3 {
            store.rebuildKeywordIndex()
        } else if store.analyzer != nil {
            throw IndexFormatError.corrupt("library \(id): its keyword index is missing")
        }
        store.order = DocumentOrder(restoring: entries, lastSequence: lastOrder)
        store.nextKey = nextKey
        store.appliedThrough = appliedThrough
        return .live(store, rebuild: target.map { ($0, targetTime!) })
    }
}
