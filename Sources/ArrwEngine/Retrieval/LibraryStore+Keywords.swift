import ArrwText
import Dispatch
import Foundation

/// One chunk found by keyword search, with its BM25 score.
public struct KeywordHit: Sendable {
    public var chunk: Chunk
    public var documentId: String
    public var score: Double
}

extension LibraryStore {
    /// Fills the empty keyword index from every stored chunk, in key order (when a snapshot
    /// section from before version 3 loads, which holds no keyword index; before the store is
    /// shared): texts are analyzed on every core, 16,384 at a time, then added on this thread.
    /// `arrw-keyword-bench` measures it at a million chunks.
    func rebuildKeywordIndex() {
        guard let analyzer else { return }
        let keys = chunks.keys.sorted()
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var start = 0
        while start < keys.count {
            let slice = Array(keys[start..<min(start + 16_384, keys.count)])
            let texts = slice.map { chunks[$0]!.text }
            let terms = [[String]](unsafeUninitializedCapacity: texts.count) { buffer, initialized in
                let slots = DisjointSlots(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: threads) { thread in
                    for position in stride(from: thread, to: texts.count, by: threads) {
                        (slots.base + position).initialize(to: analyzer.terms(texts[position]))
                    }
                }
                initialized = texts.count
            }
            for (key, chunkTerms) in zip(slice, terms) { keywords.add(key: key, terms: chunkTerms) }
            start += slice.count
        }
    }

    /// Refuses a keyword search of a library that keeps no keyword index.
    func requireKeywordIndex(field: String) throws -> Analyzer {
        guard let analyzer else {
            throw EngineError.validation("this library's text_analyzer is 'none': it keeps no keyword index", field: field)
        }
        return analyzer
    }

    /// The `k` chunks whose texts best match `text` under BM25, among those `filter` passes,
    /// best first (ties to the chunk stored first). Chunks sharing no term with the query do
    /// not appear.
    func keywordSearch(_ text: String, k: Int, filter: Filter?, includeEmbeddings: Bool) throws -> [KeywordHit] {
        let terms = try requireKeywordIndex(field: "query").terms(text)
        return lock.withReadLock {
            return keywords.search(terms: terms, k: k, allow: filter.map(allowList)).map { key, score in
                let chunk = makeChunk(key: key, includeEmbedding: includeEmbeddings)
                return KeywordHit(chunk: chunk, documentId: chunk.documentId, score: score)
            }
        }
    }
}

extension Database {
    /// BM25 keyword search over the library's chunk texts (see `LibraryStore.keywordSearch`).
    public func keywordSearch(
        libraryId: String, text: String, k: Int, filter: Filter? = nil, includeEmbeddings: Bool = false
    ) throws -> [KeywordHit] {
        let store = try store(libraryId)
        try checkK(k)
        try checkQueryText(text)
        return try store.keywordSearch(text, k: k, filter: filter, includeEmbeddings: includeEmbeddings)
    }
}

/// The start of a buffer whose slots threads initialize, each slot by exactly one thread.
/// Unchecked: no two threads touch the same slot, and the buffer outlives them.
struct DisjointSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
