import ArrwIndex
import Foundation

/// The index structures a library may ask for. Only `bruteForce` is built in this release;
/// asking for another is an `unsupported_index_type` error naming it.
public enum IndexType: String, Sendable, CaseIterable, Codable {
    case bruteForce = "brute_force"
    case kdTree = "kd_tree"
    case lsh
    case hnsw
    case ivf

    /// Whether this build can create the index.
    public var isAvailable: Bool { self == .bruteForce }

    /// The `index_params` keys this index understands.
    var parameterNames: Set<String> {
        switch self {
        case .bruteForce: []
        case .kdTree: ["leaf_size"]
        case .lsh: ["tables", "bits"]
        case .hnsw: ["m", "ef_construction", "ef_search"]
        case .ivf: ["nlist", "nprobe"]
        }
    }
}

/// A snapshot of a library's settings and counts, as the API reports it.
///
/// `dimension` is nil until the library holds its first vector (or was created with one);
/// after that every vector stored or queried must have exactly that many components.
public struct LibraryInfo: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var description: String
    public var indexType: IndexType
    public var indexParams: [String: JSONValue]
    public var metric: DistanceMetric
    public var dimension: Int?
    public var embeddingModel: String
    public var metadata: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
    public var documentCount: Int
    public var chunkCount: Int
}

/// A library's counts and index state (`GET .../statistics`).
public struct LibraryStatistics: Sendable, Equatable {
    public var documentCount: Int
    public var chunkCount: Int
    public var dimension: Int?
    public var metric: DistanceMetric
    public var indexType: IndexType
    public var indexParams: [String: JSONValue]
    public var indexMemoryBytes: Int
    /// `ready` when the index serves every stored vector.
    public var buildState: String
}

/// One chunk of a document: a piece of text with its own metadata and vector.
/// `embedding` is filled only when the caller asked for embeddings; for cosine libraries it is
/// the stored, unit-length vector.
public struct Chunk: Sendable, Equatable {
    public var id: String
    public var documentId: String
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
}

/// The outcome of a batch write: each item succeeded or failed alone.
public struct BatchOutcome: Sendable {
    public var results: [BatchItemResult]
    public var successful: Int { results.count(where: { $0.error == nil }) }
    public var failed: Int { results.count - successful }
}
