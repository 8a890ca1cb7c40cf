/// A document as clients send it (REST bodies, batch items, NDJSON lines, the WebSocket `add`
/// action), in any of SPEC.md's input forms: `{"title", "text"}`, `{"title", "texts": [..]}` or
/// `{"title", "chunks": [{"id"?, "text", "metadata", "embedding"?}]}`, each with optional
/// `metadata`, `id` and `embedding_model` (the model the client expects its texts embedded
/// with; another than the library's is a 409). Exactly one of `text`, `texts`, `chunks` must be given; other keys are
/// ignored. `exportLine` writes a stored document in the `chunks` form, which reads back as the
/// same document (the `batch_export` job's lines).
///
/// Reading checks the JSON's shape and, as it goes, the engine's own checks, so the first bad
/// field is named in the form the client used (`texts[2]`, `chunks[0].embedding`); the engine
/// validates the typed draft again before storing it.
public enum DocumentJSON {
    /// The draft each of `documents` holds, or its own 400 `EngineError`, in order; a large
    /// batch is read on every core.
    public static func drafts(_ documents: [JSONValue], limits: EngineLimits) async -> [Result<DocumentDraft, EngineError>] {
        await documents.concurrentMap { json in
            Result { try draft(json, limits: limits) }.mapError { $0 as? EngineError ?? .validation("\($0)") }
        }
    }

    /// The draft `json` holds, or a 400 `EngineError` naming the first bad field.
    public static func draft(_ json: JSONValue, limits: EngineLimits) throws -> DocumentDraft {
        guard let object = json.object else {
            throw EngineError.validation("a document must be a JSON object, got \(json.typeName)")
        }
        let id = try object["id"].map { value -> String in
            guard let text = value.string else { throw EngineError.validation("'id' must be a string", field: "id") }
            try DocumentDraft.validateDocumentId(text)
            return text
        }
        let title = try optionalString(object["title"], field: "title") ?? ""
        try DocumentDraft.checkTitle(title, limits: limits)
        let metadata = try JSONValue.objectField(object["metadata"], field: "metadata")
        try OriginalFields.checkUserMetadata(metadata, field: "metadata")

        let forms = ["text", "texts", "chunks"].filter { object[$0] != nil && object[$0] != .null }
        guard forms.count == 1 else {
            throw EngineError.validation(
                forms.isEmpty
                    ? "a document needs one of 'text', 'texts' or 'chunks'"
                    : "a document takes only one of 'text', 'texts' or 'chunks', got \(forms.joined(separator: ", "))")
        }
        let chunks: [DocumentDraft.ChunkDraft]
        let textField: (Int) -> String
        switch forms[0] {
        case "text":
            chunks = [.init(text: try requiredString(object["text"], field: "text"))]
            textField = { _ in "text" }
        case "texts":
            guard let items = object["texts"]?.array else { throw EngineError.validation("'texts' must be an array of strings", field: "texts") }
            try DocumentDraft.checkChunkCount(items.count, field: "texts", limits: limits)
            chunks = try items.enumerated().map { index, item in .init(text: try requiredString(item, field: "texts[\(index)]")) }
            textField = { "texts[\($0)]" }
        default:
            guard let items = object["chunks"]?.array else { throw EngineError.validation("'chunks' must be an array of objects", field: "chunks") }
            try DocumentDraft.checkChunkCount(items.count, field: "chunks", limits: limits)
            chunks = try items.enumerated().map { index, item in try chunk(item, field: "chunks[\(index)]", limits: limits) }
            textField = { "chunks[\($0)].text" }
        }
        try DocumentDraft.checkChunks(chunks, limits: limits, textField: textField)
        var draft = DocumentDraft(id: id, title: title, metadata: metadata, chunks: chunks)
        draft.fields = try OriginalFields.parse(object)
        draft.embeddingModel = try optionalString(object["embedding_model"], field: "embedding_model")
        return draft
    }

    private static func chunk(_ json: JSONValue, field: String, limits: EngineLimits) throws -> DocumentDraft.ChunkDraft {
        guard let object = json.object else { throw EngineError.validation("\(field) must be an object", field: field) }
        let embedding = try object["embedding"].flatMap { value -> [Float]? in
            value == .null ? nil : try vector(from: value, field: "\(field).embedding", limits: limits)
        }
        let id = try optionalString(object["id"], field: "\(field).id")
        let text = try optionalString(object["text"], field: "\(field).text")
        guard text != nil || embedding != nil else {
            throw EngineError.validation("\(field).text is required when no embedding is given", field: "\(field).text")
        }
        return .init(
            id: id, text: text ?? "", metadata: try JSONValue.objectField(object["metadata"], field: "\(field).metadata"),
            embedding: embedding)
    }

    /// A JSON array of numbers as a float32 vector (a chunk's `embedding`, a search's
    /// `query_vector`), checked as the engine checks every vector.
    public static func vector(from json: JSONValue, field: String, limits: EngineLimits) throws -> [Float] {
        guard let items = json.array else {
            throw EngineError.validation("'\(field)' must be an array of numbers, got \(json.typeName)", field: field)
        }
        try VectorValidation.checkLength(items.count, field: field, limits: limits)
        return try items.enumerated().map { index, item in
            guard let number = item.number else {
                throw EngineError.validation("'\(field)[\(index)]' must be a number", field: field)
            }
            return try VectorValidation.component(number, at: index, field: field)
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

    /// `document` as one object in the `chunks` form with every chunk's id, and its embedding
    /// when it carries one: `draft` reads it back as the same document.
    public static func exportLine(_ document: Document) -> JSONValue {
        .object(document.fields.merging([
            "id": .string(document.id), "title": .string(document.title), "metadata": .object(document.metadata),
            "chunks": .array(document.chunks.map { chunk in
                var object: [String: JSONValue] = [
                    "id": .string(chunk.id), "text": .string(chunk.text), "metadata": .object(chunk.metadata),
                ]
                if let embedding = chunk.embedding { object["embedding"] = .array(embedding.map { .double(Double($0)) }) }
                return .object(object)
            }),
        ]) { _, own in own })
    }
}
