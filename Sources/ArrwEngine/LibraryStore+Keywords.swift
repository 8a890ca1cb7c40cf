import ArrwText

/// One chunk found by keyword search, with its BM25 score.
public struct KeywordHit: Sendable {
    public var chunk: Chunk
    public var documentId: String
    public var score: Double
}

extension LibraryStore {
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
            let allow: ((UInt64) -> Bool)? = filter.map { filter in { key in self.chunks[key].map(filter.matches) ?? false } }
            return keywords.search(terms: terms, k: k, allow: allow).map { key, score in
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
        guard (1...limits.maxSearchResults).contains(k) else {
            throw EngineError.limitExceeded("'k' must be between 1 and \(limits.maxSearchResults)", limit: limits.maxSearchResults, field: "k")
        }
        guard !text.isEmpty, text.count <= limits.maxTextLengthPerChunk else {
            throw EngineError.validation("'query' must be 1 to \(limits.maxTextLengthPerChunk) characters", field: "query")
        }
        return try store.keywordSearch(text, k: k, filter: filter, includeEmbeddings: includeEmbeddings)
    }
}
