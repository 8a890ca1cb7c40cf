/// A document to store, as typed values: the server builds one from any of SPEC.md's input
/// forms, code builds one directly. The engine trusts neither: every draft is checked by
/// `validate(limits:)` before anything is stored.
///
/// Invariants once validated: `id`, when given, is a valid document id; `title` within
/// `maxDescriptionLength` characters; 1...`maxChunksPerDocument` chunks; every text within
/// `maxTextLengthPerChunk` characters and non-empty unless the chunk brings its own embedding;
/// every embedding non-empty, finite in float32, within `maxDimension`, and all of one length.
public struct DocumentDraft: Sendable, Equatable {
    /// One chunk to store; `embedding` nil means the engine embeds `text`.
    public struct ChunkDraft: Sendable, Equatable {
        /// A client-chosen chunk id (an export re-imported keeps its chunks' ids), unique
        /// within its document; nil lets the engine choose one.
        public var id: String?
        public var text: String
        public var metadata: [String: JSONValue]
        public var embedding: [Float]?

        public init(id: String? = nil, text: String, metadata: [String: JSONValue] = [:], embedding: [Float]? = nil) {
            self.id = id
            self.text = text
            self.metadata = metadata
            self.embedding = embedding
        }
    }

    public var id: String?
    public var title: String
    public var metadata: [String: JSONValue]
    /// The original arrwDB's fields (`OriginalFields`), stored beside `metadata`.
    public var fields: [String: JSONValue] = [:]
    public var chunks: [ChunkDraft]
    /// The model the client expects the texts embedded with (a provider's name or its model);
    /// nil: the library's. Not stored.
    public var embeddingModel: String?

    public init(id: String? = nil, title: String = "", metadata: [String: JSONValue] = [:], chunks: [ChunkDraft]) {
        self.id = id
        self.title = title
        self.metadata = metadata
        self.chunks = chunks
    }

    /// The length shared by the chunks' own embeddings, if any chunk brings one.
    public var providedDimension: Int? { chunks.lazy.compactMap(\.embedding).first?.count }

    /// Checks every invariant, throwing `EngineError` naming the first bad field (`chunks[i]…`).
    public func validate(limits: EngineLimits) throws {
        if let id { try Self.validateDocumentId(id) }
        try Self.checkTitle(title, limits: limits)
        try Self.checkChunkCount(chunks.count, field: "chunks", limits: limits)
        var chunkIds = Set<String>()
        for (index, chunk) in chunks.enumerated() {
            if let chunkId = chunk.id {
                try Self.validateDocumentId(chunkId, field: "chunks[\(index)].id")
                guard chunkIds.insert(chunkId).inserted else {
                    throw EngineError.validation("chunk id '\(chunkId)' appears twice in the document", field: "chunks[\(index)].id")
                }
            }
            if let embedding = chunk.embedding {
                try VectorValidation.check(embedding, field: "chunks[\(index)].embedding", limits: limits)
            }
        }
        try Self.checkChunks(chunks, limits: limits) { "chunks[\($0)].text" }
    }

    /// A client-chosen document (or chunk) id: 1–128 characters of letters, digits and `-_.:`,
    /// not `batch` or `stream` (those name routes).
    public static func validateDocumentId(_ id: String, field: String = "id") throws {
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        guard !id.isEmpty, id.utf8.count <= 128, allowed, id != "batch", id != "stream" else {
            throw EngineError.validation(
                "'\(field)' must be 1-128 characters of letters, digits, '-', '_', '.', ':' and not 'batch' or 'stream'",
                field: field)
        }
    }

    /// A title within `maxDescriptionLength` characters.
    public static func checkTitle(_ title: String, limits: EngineLimits) throws {
        guard title.count <= limits.maxDescriptionLength else {
            throw EngineError.limitExceeded(
                "'title' is longer than \(limits.maxDescriptionLength) characters",
                limit: limits.maxDescriptionLength, field: "title")
        }
    }

    /// 1...`maxChunksPerDocument` chunks, `field` naming where they were given.
    public static func checkChunkCount(_ count: Int, field: String, limits: EngineLimits) throws {
        guard count > 0 else { throw EngineError.validation("'\(field)' must not be empty", field: field) }
        guard count <= limits.maxChunksPerDocument else {
            throw EngineError.limitExceeded(
                "'\(field)' has \(count) chunks; the limit is \(limits.maxChunksPerDocument)",
                limit: limits.maxChunksPerDocument, field: field)
        }
    }

    /// Every text within `maxTextLengthPerChunk` and non-empty unless its chunk brings an
    /// embedding (`textField` names chunk `i`'s text), then the embeddings all of one length.
    public static func checkChunks(_ chunks: [ChunkDraft], limits: EngineLimits, textField: (Int) -> String) throws {
        for (index, chunk) in chunks.enumerated() {
            let field = textField(index)
            // A text has no more characters than UTF-8 bytes: count characters (O(n) grapheme
            // breaking) only when the bytes alone could exceed the limit.
            guard chunk.text.utf8.count <= limits.maxTextLengthPerChunk || chunk.text.count <= limits.maxTextLengthPerChunk else {
                throw EngineError.limitExceeded(
                    "\(field) is longer than \(limits.maxTextLengthPerChunk) characters",
                    limit: limits.maxTextLengthPerChunk, field: field)
            }
            guard chunk.embedding != nil || !chunk.text.isEmpty else {
                throw EngineError.validation("\(field) must not be empty", field: field)
            }
        }
        let dimensions = Set(chunks.compactMap { $0.embedding?.count })
        guard dimensions.count <= 1 else {
            throw EngineError.validation("the chunks' embeddings have different lengths: \(dimensions.sorted())", field: "chunks")
        }
    }
}
