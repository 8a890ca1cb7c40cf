import ArrwText
import ArrwIndex
import Foundation

/// The index structures a library may ask for (see `IndexSettings` for their parameters).
public enum IndexType: String, Sendable, CaseIterable, Codable {
    case bruteForce = "brute_force"
    case kdTree = "kd_tree"
    case lsh
    case hnsw
    case ivf
}

/// A snapshot of a library's settings and counts, as the API reports it.
///
/// `dimension` is nil until the library holds its first vector (or was created with one);
/// after that every vector stored or queried must have exactly that many components.
public struct LibraryInfo: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String
    /// The index serving searches (while a rebuild runs, the old one until the swap).
    public var index: IndexSettings
    public var metric: DistanceMetric
    public var dimension: Int?
    /// The model that embeds the library's texts, as its provider names it.
    public var embeddingModel: String
    /// The name of the configured provider that serves `embeddingModel` (`local`, `cohere`,
    /// a name from `EMBEDDING_PROVIDERS`); empty for a library logged before providers had
    /// names, which is served by whichever provider has its model.
    public var embeddingProvider = ""
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
    public var documentCount: Int
    public var chunkCount: Int
    /// How chunk texts and keyword queries are analyzed; fixed at creation.
    public var textAnalyzer: TextAnalyzerChoice = .english
    /// The tenant that owns the library, fixed at creation; empty for the default tenant (a
    /// server without tenants, `API_KEYS` keys, and every library from before tenants). Names
    /// are unique per tenant.
    public var tenantId = ""

    public var indexType: IndexType { index.type }
    public var indexParams: [String: JSONValue] { index.json }
}

/// A library's `text_analyzer`, chosen at creation and never changed (its keyword index holds
/// terms of that analysis): `english` (the default) drops Lucene's English stop words and
/// Porter-stems; `simple` keeps every word, lower-cased and accent-folded (text that is not
/// English, codes, names); `none` keeps no keyword index at all (keyword and hybrid search
/// with `alpha` below 1, and `bm25` reranking, answer 400; writes skip the analysis).
public enum TextAnalyzerChoice: String, Sendable, CaseIterable {
    case english
    case simple
    case none

    /// The analyzer, or nil for `none`.
    public var analyzer: Analyzer? {
        switch self {
        case .english: .english
        case .simple: .simple
        case .none: nil
        }
    }
}

/// A library's counts and index state (`GET .../statistics`).
public struct LibraryStatistics: Sendable, Equatable {
    public var documentCount: Int
    public var chunkCount: Int
    public var dimension: Int?
    public var metric: DistanceMetric
    public var index: IndexSettings
    /// Bytes the index and its fresh tail hold.
    public var indexMemoryBytes: Int
    /// Vectors written but not yet in the index (its fresh tail, which searches scan exactly).
    public var pendingIndexVectors = 0
    /// Vectors per second the background builder moved into the index over the last
    /// `IndexBuildRate.window` seconds (0 when it moved none).
    public var indexBuildRate = 0.0
    public var textAnalyzer: TextAnalyzerChoice = .english
    /// Distinct terms in the keyword index and the bytes it holds (0 without one).
    public var keywordTerms = 0
    public var keywordMemoryBytes = 0
    /// The index being built in the background to replace `index`, if any.
    public var buildTarget: IndexSettings?

    public var indexType: IndexType { index.type }
    public var indexParams: [String: JSONValue] { index.json }
    /// `building` while a new index is built in the background, else `ready`.
    public var buildState: String { buildTarget == nil ? "ready" : "building" }
}

/// One chunk of a document: a piece of text with its own metadata and vector.
/// `embedding` is filled only when the caller asked for embeddings; for cosine libraries it is
/// the stored, unit-length vector.
public struct Chunk: Sendable, Equatable {
    public var id: String
    public var documentId: String
    /// The chunk's position in its document, from 0 (filterable as `chunk_index`).
    public var index: Int
    /// Its document's title (search results answer it as `document_title`).
    public var documentTitle: String
    public var text: String
    public var metadata: [String: JSONValue]
    public var embedding: [Float]?
}

/// A stored document with its chunks, in insertion order.
public struct Document: Sendable, Equatable {
    public var id: String
    public var libraryId: UUID
    public var title: String
    public var metadata: [String: JSONValue]
    /// The original arrwDB's fields the document was given (`OriginalFields`), beside `metadata`.
    public var fields: [String: JSONValue] = [:]
    public var chunks: [Chunk]
    public var createdAt: Date
    public var updatedAt: Date
}

/// One page of a document listing; `nextCursor` is nil on the last page.
public struct DocumentPage: Sendable {
    public var documents: [Document]
    public var nextCursor: String?
}

/// The per-item outcome of a batch: `line` is the item's 1-based position in the request.
public struct BatchItemResult: Sendable {
    public var line: Int
    public var documentId: String?
    public var error: EngineError?
    /// Chunks the item stored (an add) or removed (a delete); 0 when it failed.
    public var chunks: Int

    public init(line: Int, documentId: String?, error: EngineError?, chunks: Int = 0) {
        self.line = line
        self.documentId = documentId
        self.error = error
        self.chunks = chunks
    }
}

/// The outcome of a batch write: each item succeeded or failed alone.
public struct BatchOutcome: Sendable {
    public var results: [BatchItemResult]
    /// Calls to a remote embedding provider that were retries while embedding this batch.
    public var embeddingRetries: Int

    public init(results: [BatchItemResult], embeddingRetries: Int = 0) {
        self.results = results
        self.embeddingRetries = embeddingRetries
    }

    public var successful: Int { results.count(where: { $0.error == nil }) }
    public var failed: Int { results.count - successful }
    /// Chunks the successful items stored or removed.
    public var chunks: Int { results.reduce(0) { $0 + $1.chunks } }
}
