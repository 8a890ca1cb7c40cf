/// A validated document to store, parsed from any of SPEC.md's input forms:
/// `{"title", "text"}`, `{"title", "texts": [..]}` or `{"title", "chunks": [{"text", "metadata", "embedding"?}]}`,
/// each with optional `metadata` and `id`. Exactly one of `text`, `texts`, `chunks` must be given;
/// other keys are ignored.
///
/// Invariants after `parse`: 1...`maxChunksPerDocument` chunks; every text within
/// `maxTextLengthPerChunk` characters and non-empty unless the chunk brings its own embedding;
/// every embedding finite, of one length, within `maxDimension`; `id`, when given, is a valid
/// document id.
public struct DocumentDraft: Sendable, Equatable {
    /// One chunk to store; `embedding` nil means the engine embeds `text`.
    public struct ChunkDraft: Sendable, Equatable {
        public var text: String
        public var metadata: [String: JSONValue]
        public var embedding: [Float]?

        public init(text: String, metadata: [String: JSONValue] = [:], embedding: [Float]? = nil) {
            self.text = text
            self.metadata = metadata
            self.embedding = embedding
        }
    }

    public var id: String?
    public var title: String
    public var metadata: [String: JSONValue]
    public var chunks: [ChunkDraft]

    /// A draft built in code; `parse` is the checked path for user input.
    public init(id: String? = nil, title: String = "", metadata: [String: JSONValue] = [:], chunks: [ChunkDraft]) {
        self.id = id
        self.title = title
        self.metadata = metadata
        self.chunks = chunks
    }

    /// The length shared by the chunks' own embeddings, if any chunk brings one.
    public var providedDimension: Int? { chunks.lazy.compactMap(\.embedding).first?.count }

    /// Parses and validates one document, throwing `EngineError` naming the first bad field.
    public static func parse(_ json: JSONValue, limits: EngineLimits) throws -> DocumentDraft {
        guard let object = json.object else {
            throw EngineError.validation("a document must be a JSON object, got \(json.typeName)")
        }
        let id = try object["id"].map { value -> String in
            guard let text = value.string else { throw EngineError.validation("'id' must be a string", field: "id") }
            try validateDocumentId(text)
            return text
        }
        let title = try optionalString(object["title"], field: "title") ?? ""
        guard title.count <= limits.maxDescriptionLength else {
            throw EngineError.limitExceeded(
                "'title' is longer than \(limits.maxDescriptionLength) characters",
                limit: limits.maxDescriptionLength, field: "title")
        }
        let metadata = try metadataObject(object["metadata"], field: "metadata")

        let forms = ["text", "texts", "chunks"].filter { object[$0] != nil && object[$0] != .null }
        guard forms.count == 1 else {
            throw EngineError.validation(
                forms.isEmpty
                    ? "a document needs one of 'text', 'texts' or 'chunks'"
                    : "a document takes only one of 'text', 'texts' or 'chunks', got \(forms.joined(separator: ", "))")
        }
        var chunks: [ChunkDraft]
        switch forms[0] {
        case "text":
            chunks = [ChunkDraft(text: try requiredString(object["text"], field: "text"), metadata: [:], embedding: nil)]
        case "texts":
            guard let items = object["texts"]?.array else { throw EngineError.validation("'texts' must be an array of strings", field: "texts") }
            try checkChunkCount(items.count, field: "texts", limits: limits)
            chunks = try items.enumerated().map { index, item in
                ChunkDraft(text: try requiredString(item, field: "texts[\(index)]"), metadata: [:], embedding: nil)
            }
        default:
            guard let items = object["chunks"]?.array else { throw EngineError.validation("'chunks' must be an array of objects", field: "chunks") }
            try checkChunkCount(items.count, field: "chunks", limits: limits)
            chunks = try items.enumerated().map { index, item in try chunk(item, field: "chunks[\(index)]", limits: limits) }
        }
        for (index, chunk) in chunks.enumerated() {
            let field = forms[0] == "text" ? "text" : (forms[0] == "texts" ? "texts[\(index)]" : "chunks[\(index)].text")
            guard chunk.text.count <= limits.maxTextLengthPerChunk else {
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
        return DocumentDraft(id: id, title: title, metadata: metadata, chunks: chunks)
    }

    private static func chunk(_ json: JSONValue, field: String, limits: EngineLimits) throws -> ChunkDraft {
        guard let object = json.object else { throw EngineError.validation("\(field) must be an object", field: field) }
        let embedding = try object["embedding"].flatMap { value -> [Float]? in
            value == .null ? nil : try VectorValidation.vector(from: value, field: "\(field).embedding", limits: limits)
        }
        let text = try optionalString(object["text"], field: "\(field).text")
        guard text != nil || embedding != nil else {
            throw EngineError.validation("\(field).text is required when no embedding is given", field: "\(field).text")
        }
        return ChunkDraft(
            text: text ?? "", metadata: try metadataObject(object["metadata"], field: "\(field).metadata"),
            embedding: embedding)
    }

    /// A client-chosen document id: 1–128 characters of letters, digits and `-_.:`,
    /// not `batch` or `stream` (those name routes).
    public static func validateDocumentId(_ id: String) throws {
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        guard !id.isEmpty, id.utf8.count <= 128, allowed, id != "batch", id != "stream" else {
            throw EngineError.validation(
                "'id' must be 1-128 characters of letters, digits, '-', '_', '.', ':' and not 'batch' or 'stream'",
                field: "id")
        }
    }

    private static func checkChunkCount(_ count: Int, field: String, limits: EngineLimits) throws {
        guard count > 0 else { throw EngineError.validation("'\(field)' must not be empty", field: field) }
        guard count <= limits.maxChunksPerDocument else {
            throw EngineError.limitExceeded(
                "'\(field)' has \(count) chunks; the limit is \(limits.maxChunksPerDocument)",
                limit: limits.maxChunksPerDocument, field: field)
        }
    }

    private static func requiredString(_ value: JSONValue?, field: String) throws -> String {
        guard let text = try optionalString(value, field: field) else {
            throw EngineError.validation("'\(field)' is required", field: field)
        }
        return text
    }

    private static func optionalString(_ value: JSONValue?, field: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw EngineError.validation("'\(field)' must be a string, got \(other.typeName)", field: field)
        }
    }

    /// A metadata field: absent or null is empty; anything but an object is rejected.
    static func metadataObject(_ value: JSONValue?, field: String) throws -> [String: JSONValue] {
        switch value {
        case nil, .null?: return [:]
        case .object(let object)?: return object
        case let other?: throw EngineError.validation("'\(field)' must be an object, got \(other.typeName)", field: field)
        }
    }
}
