import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import Hummingbird

/// `POST /v1/libraries` body.
struct CreateLibraryBody: Decodable {
    var name: String?
    var description: String?
    var indexType: String?
    var indexParams: JSONValue?
    var metric: String?
    var metadata: JSONValue?
    var dimension: Double?
    var textAnalyzer: String?
    var embeddingModel: String?

    enum CodingKeys: String, CodingKey {
        case name, description, metric, metadata, dimension
        case indexType = "index_type"
        case indexParams = "index_params"
        case textAnalyzer = "text_analyzer"
        case embeddingModel = "embedding_model"
    }

    func draft() throws -> Database.LibraryDraft {
        .init(
            name: name, description: description, indexType: indexType, indexParams: indexParams,
            metric: metric, metadata: metadata, dimension: try dimension.map { try integer($0, field: "dimension") },
            textAnalyzer: textAnalyzer, embeddingModel: embeddingModel)
    }
}

/// `PATCH /v1/libraries/{id}` body.
struct PatchLibraryBody: Decodable {
    var description: String?
    var metadata: JSONValue?
    var indexType: String?
    var indexParams: JSONValue?

    enum CodingKeys: String, CodingKey {
        case description, metadata
        case indexType = "index_type"
        case indexParams = "index_params"
    }

    var patch: Database.LibraryPatch {
        .init(description: description, metadata: metadata, indexType: indexType, indexParams: indexParams)
    }
}

/// `DELETE /v1/libraries/{id}/documents/batch` body.
struct BatchDeleteBody: Decodable {
    var documentIds: [String]

    enum CodingKeys: String, CodingKey {
        case documentIds = "document_ids"
    }
}

/// The body every vector search takes (REST `/search` and the WebSocket `search` action).
struct SearchBody {
    var query: String?
    var queryVector: JSONValue?
    var k: Double?
    var filter: JSONValue?
    var distanceThreshold: Double?
    var includeEmbeddings: Bool?
    var efSearch: Double?
    var nprobe: Double?
    var embeddingModel: String?

    /// Reads the fields from parsed JSON (the WebSocket `search` action's `data`, where the
    /// text query may also be called `query_text`), each type-checked with a 400 naming it.
    init(json: JSONValue) throws {
        guard let object = json.object else { throw EngineError.validation("the search must be a JSON object", field: "data") }
        func number(_ key: String) throws -> Double? { try optionalNumber(object, key) }
        switch object["query"] ?? object["query_text"] {
        case nil, .null?: query = nil
        case .string(let text)?: query = text
        default: throw EngineError.validation("'query' must be a string", field: "query")
        }
        queryVector = object["query_vector"]
        k = try number("k")
        filter = object["filter"]
        distanceThreshold = try number("distance_threshold")
        switch object["include_embeddings"] {
        case nil, .null?: includeEmbeddings = nil
        case .bool(let flag)?: includeEmbeddings = flag
        default: throw EngineError.validation("'include_embeddings' must be true or false", field: "include_embeddings")
        }
        efSearch = try number("ef_search")
        nprobe = try number("nprobe")
        switch object["embedding_model"] {
        case nil, .null?: embeddingModel = nil
        case .string(let model)?: embeddingModel = model
        default: throw EngineError.validation("'embedding_model' must be a string", field: "embedding_model")
        }
    }

    /// Takes `include_embeddings` from the request's query string when the body does not set it
    /// (the original arrwDB's clients send it there).
    mutating func takeIncludeEmbeddings(from request: Request) throws {
        if includeEmbeddings == nil { includeEmbeddings = try request.boolQuery("include_embeddings") }
    }

    func searchQuery(limits: EngineLimits, requireFilter: Bool) throws -> SearchQuery {
        let parsedFilter: Filter?
        switch filter {
        case nil, .null?: parsedFilter = nil
        case let json?: parsedFilter = try Filter.parse(json)
        }
        if requireFilter && parsedFilter == nil {
            throw EngineError.validation("'filter' is required for a metadata search", field: "filter")
        }
        let vector: [Float]?
        switch queryVector {
        case nil, .null?: vector = nil
        case let json?: vector = try DocumentJSON.vector(from: json, field: "query_vector", limits: limits)
        }
        return SearchQuery(
            text: query, vector: vector, k: try k.map { try integer($0, field: "k") } ?? 10, filter: parsedFilter, distanceThreshold: distanceThreshold,
            includeEmbeddings: includeEmbeddings ?? false,
            options: SearchOptions(
                efSearch: try efSearch.map { try integer($0, field: "ef_search") },
                nprobe: try nprobe.map { try integer($0, field: "nprobe") }),
            embeddingModel: embeddingModel)
    }
}

/// `object[key]` as a number, nil when absent or null, a 400 naming `key` otherwise.
func optionalNumber(_ object: [String: JSONValue], _ key: String) throws -> Double? {
    switch object[key] {
    case nil, .null?: return nil
    case let value?:
        guard let number = value.number else { throw EngineError.validation("'\(key)' must be a number", field: key) }
        return number
    }
}

/// JSON has one number type: integers arrive as doubles and are checked here, so `2.5`
/// for an integer field is a 400 naming the field.
func integer(_ value: Double, field: String) throws -> Int {
    guard let exact = Int(exactly: value) else {
        throw EngineError.validation("'\(field)' must be an integer, got \(value)", field: field)
    }
    return exact
}
