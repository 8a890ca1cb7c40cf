import ArrwEngine
import Hummingbird

/// `/v1/libraries/{id}/documents`: add one, add a batch, stream NDJSON in, list, get, replace,
/// delete one or a batch. A tenant's adds and replacements are checked against its
/// `max_vectors` quota (429 `quota_exceeded`).
struct DocumentRoutes<Context: AccessScopedContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(on group: RouterGroup<Context>) {
        group.post(":id/documents") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let draft = try DocumentJSON.draft(try await body.json(from: request), limits: database.limits)
            try TenantQuota.checkVectors(database: database, scope: context.access, adding: draft.chunks.count)
            return APIResponse.json(APIResponse.document(try await database.addDocument(libraryId: id, draft)), status: .created)
        }
        group.post(":id/documents/batch") { request, context in
            let start = ContinuousClock.now
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let drafts = try await Self.batchDrafts(request, body: body, limits: database.limits)
            try TenantQuota.checkVectors(
                database: database, scope: context.access, adding: drafts.reduce(0) { $0 + ((try? $1.get())?.chunks.count ?? 0) })
            return APIResponse.json(APIResponse.batch(try await database.addDocuments(libraryId: id, drafts), since: start))
        }
        group.post(":id/documents/stream") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            return try await NDJSONDocumentUpload(database: database, libraryId: id, maxLineBytes: body.maxBytes).respond(to: request)
        }
        group.delete(":id/documents/batch") { request, context in
            let start = ContinuousClock.now
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let ids = try await body.decode(BatchDeleteBody.self, from: request).documentIds
            return APIResponse.json(APIResponse.batch(try await database.deleteDocuments(libraryId: id, documentIds: ids), since: start, added: false))
        }
        group.get(":id/documents") { request, context in
            let page = try database.listDocuments(
                libraryId: context.parameters.require("id"), limit: try request.intQuery("limit") ?? 100,
                cursor: request.uri.queryParameters.get("cursor"),
                includeEmbeddings: try request.boolQuery("include_embeddings") ?? false)
            return APIResponse.json(.object([
                "documents": .array(page.documents.map(APIResponse.document)),
                "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null,
            ]))
        }
        group.get(":id/documents/:doc") { request, context in
            let document = try database.document(
                libraryId: context.parameters.require("id"), documentId: context.parameters.require("doc"),
                includeEmbeddings: try request.boolQuery("include_embeddings") ?? false)
            return APIResponse.json(APIResponse.document(document))
        }
        group.put(":id/documents/:doc") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let draft = try DocumentJSON.draft(try await body.json(from: request), limits: database.limits)
            try TenantQuota.checkVectors(database: database, scope: context.access, adding: draft.chunks.count)
            let (document, created) = try await database.replaceDocument(
                libraryId: id, documentId: context.parameters.require("doc"), draft)
            return APIResponse.json(APIResponse.document(document), status: created ? .created : .ok)
        }
        group.delete(":id/documents/:doc") { _, context in
            try await database.deleteDocument(libraryId: context.parameters.require("id"), documentId: context.parameters.require("doc"))
            return Response(status: .noContent)
        }
    }

    /// The drafts of a batch body `{"documents": [..]}`, each parsed alone (a bad one fails alone).
    static func batchDrafts(_ request: Request, body: JSONBodyReader, limits: EngineLimits) async throws -> [Result<DocumentDraft, EngineError>] {
        guard let documents = try await body.json(from: request).object?["documents"]?.array else {
            throw EngineError.validation("the body must be an object with a 'documents' array", field: "documents")
        }
        return await DocumentJSON.drafts(documents, limits: limits)
    }
}
