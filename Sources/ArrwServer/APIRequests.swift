import ArrwEmbedding
import ArrwEngine
import ArrwIndex

/// `POST /v1/libraries` body.
struct CreateLibraryBody: Decodable {
    var name: String?
    var description: String?
    var indexType: String?
    var indexParams: JSONValue?
    var metric: String?
    var metadata: JSONValue?
    var dimension: Double?

    enum CodingKeys: String, CodingKey {
        case name, description, metric, metadata, dimension
        case indexType = "index_type"
        case indexParams = "index_params"
    }

    func draft() throws -> Database.LibraryDraft {
        .init(
            name: name, description: description, indexType: indexType, indexParams: indexParams,
            metric: metric, metadata: metadata, dimension: try dimension.map { try integer($0, field: "dimension") })
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

/// The body every vector search takes.
struct SearchBody: Decodable {
    var query: String?
    var queryVector: JSONValue?
    var k: Double?
    var filter: JSONValue?
    var distanceThreshold: Double?
    var includeEmbeddings: Bool?
    var efSearch: Double?
    var nprobe: Double?

    enum CodingKeys: String, CodingKey {
        case query, k, filter, nprobe
        case efSearch = "ef_search"
        case queryVector = "query_vector"
        case distanceThreshold = "distance_threshold"
        case includeEmbeddings = "include_embeddings"
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
        case let json?: vector = try VectorValidation.vector(from: json, field: "query_vector", limits: limits)
        }
        return SearchQuery(
            text: query, vector: vector, k: try k.map { try integer($0, field: "k") } ?? 10, filter: parsedFilter, distanceThreshold: distanceThreshold,
            includeEmbeddings: includeEmbeddings ?? false,
            options: SearchOptions(
                efSearch: try efSearch.map { try integer($0, field: "ef_search") },
                nprobe: try nprobe.map { try integer($0, field: "nprobe") }))
    }
}

/// JSON has one number type: integers arrive as doubles and are checked here, so `2.5`
/// for an integer field is a 400 naming the field.
private func integer(_ value: Double, field: String) throws -> Int {
    guard let exact = Int(exactly: value) else {
        throw EngineError.validation("'\(field)' must be an integer, got \(value)", field: field)
    }
    return exact
}
