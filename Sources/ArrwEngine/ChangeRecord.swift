import Foundation

/// One change to the database, as logged in the write-ahead log before it is applied. Every
/// value a change decides (ids, timestamps) is in the record, so replaying it rebuilds exactly
/// the state the original write produced. Its WAL sequence is the change's event sequence.
enum ChangeRecord: Equatable {
    case createLibrary(LibraryInfo)
    /// `nil` fields were left as they were.
    case updateLibrary(id: UUID, description: String?, metadata: [String: JSONValue]?, updatedAt: Date)
    /// A new index type or parameters (the rebuild itself is not logged: it follows from this).
    case changeIndex(id: UUID, target: IndexSettings, at: Date)
    case deleteLibrary(id: UUID, at: Date)
    /// Stores a document, replacing any with the same id.
    case putDocument(libraryId: UUID, DocumentRecord)
    case deleteDocument(libraryId: UUID, documentId: String, at: Date)
    /// A change to server-wide state (jobs, tenants), which belongs to no library.
    case serverState(ServerStateChange)
    /// New vectors for existing chunks (a `regenerate_embeddings` job), by chunk id, applied at
    /// once; ids no longer stored are skipped.
    case replaceVectors(libraryId: UUID, [VectorReplacement], at: Date)
    /// A library moved to another embedding model (a `regenerate_embeddings` job naming one):
    /// its new provider, model and dimension, and a new vector for every chunk it holds.
    case moveEmbeddings(libraryId: UUID, EmbeddingBinding, [VectorReplacement], at: Date)

    /// The library the change is about; nil for server-wide state.
    var libraryId: UUID? {
        switch self {
        case .createLibrary(let info): info.id
        case .updateLibrary(let id, _, _, _), .changeIndex(let id, _, _), .deleteLibrary(let id, _): id
        case .putDocument(let id, _), .deleteDocument(let id, _, _), .replaceVectors(let id, _, _): id
        case .moveEmbeddings(let id, _, _, _): id
        case .serverState: nil
        }
    }
}

/// The embedding model a library's texts are embedded with: the provider's configured name,
/// its model and the length of its vectors.
struct EmbeddingBinding: Equatable {
    var provider: String
    var model: String
    var dimension: Int
}

/// One chunk's new vector.
struct VectorReplacement: Equatable {
    var chunkId: String
    var vector: [Float]
}

/// A document exactly as stored: chunk ids, texts, metadata and vectors as received (a cosine
/// library normalises them when they enter its index, on first write and on replay alike).
struct DocumentRecord: Equatable, Sendable {
    struct ChunkRecord: Equatable, Sendable {
        var id: String
        var text: String
        var metadata: [String: JSONValue]
        var vector: [Float]
    }

    var id: String
    var title: String
    var metadata: [String: JSONValue]
    var createdAt: Date
    var updatedAt: Date
    var chunks: [ChunkRecord]
}
