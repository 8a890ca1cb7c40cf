import ArrwEmbedding
import ArrwStorage
import Foundation

/// The work behind each job type. A handler resumes from its job's checkpoint, so running it
/// again after a restart never repeats committed work, and checks `JobContext` between slices
/// so a cancel stops it within one slice. Input checks run at submission (`validate`), before
/// anything is logged; what only the data can tell (a document that does not parse) is
/// reported in the result.
struct JobHandlers {
    let database: Database
    let exports: ExportFiles

    /// Documents handled between two checkpoints.
    static let slice = 50

    /// The work of `type`.
    func handler(for type: JobType) -> JobQueue.Handler {
        switch type {
        case .batchImport: { context in try await batchImport(context) }
        case .batchDelete: { context in try await batchDelete(context) }
        case .indexRebuild: { context in try await indexRebuild(context) }
        case .indexOptimize: { context in try await indexOptimize(context) }
        case .batchExport: { context in try await batchExport(context) }
        case .regenerateEmbeddings: { context in try await regenerateEmbeddings(context) }
        }
    }

    /// Checks a submission's input for `type` and returns it as it is logged: a `batch_import`'s
    /// documents get their ids here, so a resumed import stores each document once.
    func prepare(_ type: JobType, libraryId: String?, input: JSONValue) throws -> JSONValue {
        guard let libraryId else { throw EngineError.validation("'library_id' is required", field: "library_id") }
        let library = try database.library(libraryId)
        switch type {
        case .batchImport:
            return try Self.withDocumentIds(input)
        case .batchDelete:
            let hasIds = input.object?["document_ids"] != nil
            let hasFilter = input.object?["filter"] != nil
            guard hasIds != hasFilter else {
                throw EngineError.validation("give exactly one of 'document_ids' and 'filter'", field: hasIds ? "filter" : "document_ids")
            }
            if hasIds { _ = try Self.documentIds(input) } else { _ = try Self.filter(input) }
        case .indexRebuild:
            _ = try database.indexTarget(of: Self.indexPatch(input), for: library)
        case .batchExport:
            _ = try Self.includeEmbeddings(input)
        case .regenerateEmbeddings:
            return try regenerationInput(input)
        case .indexOptimize:
            break
        }
        return input
    }

    /// A `regenerate_embeddings` input with `embedding_model` (a provider's name or a model only
    /// one provider serves) resolved to the provider's name, logged as `embedding_provider`, so
    /// a resumed job moves to the same provider.
    func regenerationInput(_ input: JSONValue) throws -> JSONValue {
        guard var object = input.object else { return input }
        switch object["embedding_model"] {
        case nil, .null?: return input
        case .string(let choice)?: object["embedding_provider"] = .string(try database.namedProvider(choice, field: "embedding_model").name)
        default: throw EngineError.validation("'embedding_model' must be a string", field: "embedding_model")
        }
        return .object(object)
    }

    static func documentIds(_ input: JSONValue) throws -> [String] {
        guard let list = input.object?["document_ids"]?.array, !list.isEmpty else {
            throw EngineError.validation("'document_ids' must be a non-empty array of document ids", field: "document_ids")
        }
        return try list.enumerated().map { index, value in
            guard let id = value.string else {
                throw EngineError.validation("'document_ids[\(index)]' must be a string", field: "document_ids[\(index)]")
            }
            return id
        }
    }

    static func filter(_ input: JSONValue) throws -> Filter {
        guard let json = input.object?["filter"], json.object != nil else {
            throw EngineError.validation("'filter' must be a filter object", field: "filter")
        }
        return try Filter.parse(json)
    }

    static func includeEmbeddings(_ input: JSONValue) throws -> Bool {
        switch input.object?["include_embeddings"] {
        case nil, .null?: return true
        case .bool(let value)?: return value
        default: throw EngineError.validation("'include_embeddings' must be a boolean", field: "include_embeddings")
        }
    }

    /// A saved checkpoint's integer field, 0 when absent.
    static func saved(_ context: JobContext, _ field: String) -> Int {
        Int(context.job.checkpoint.object?[field]?.number ?? 0)
    }

    static func counts(_ fields: KeyValuePairs<String, Int>) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key, JSONValue.int(Int64($0.value))) }))
    }
}
