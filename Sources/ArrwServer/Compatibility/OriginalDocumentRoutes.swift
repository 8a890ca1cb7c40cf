import ArrwEngine
import Hummingbird

/// The original arrwDB's document routes: adding documents whose chunks all bring their vectors
/// (`/documents/with-embeddings`, `/documents/batch-with-embeddings`, 201), and reading or
/// deleting documents by id alone (`/v1/documents/{id}`, `DELETE /v1/documents/batch`). An id
/// that several libraries hold is a 409 `ambiguous_document` naming them, never a guess; one
/// that none holds is a 404 `document_not_found`. A tenant's key looks only in its own libraries.
struct OriginalDocumentRoutes<Context: AccessScopedContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    func register(libraries group: RouterGroup<Context>, router: Router<Context>) {
        group.post(":id/documents/with-embeddings") { request, context in
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let draft = try Self.requiringEmbeddings(try DocumentJSON.draft(try await body.json(from: request), limits: database.limits))
            return APIResponse.json(APIResponse.document(try await database.addDocument(libraryId: id, draft)), status: .created)
        }
        group.post(":id/documents/batch-with-embeddings") { request, context in
            let start = ContinuousClock.now
            let id = try context.parameters.require("id")
            _ = try database.library(id)
            let drafts = try await DocumentRoutes<Context>.batchDrafts(request, body: body, limits: database.limits).map { $0.flatMap { draft in
                Result { try Self.requiringEmbeddings(draft) }.mapError { $0 as? EngineError ?? .validation("\($0)") }
            } }
            let outcome = try await database.addDocuments(libraryId: id, drafts)
            return APIResponse.json(APIResponse.batch(outcome, since: start), status: .created)
        }
        router.delete("v1/documents/batch") { request, context in
            let start = ContinuousClock.now
            let ids = try await body.decode(BatchDeleteBody.self, from: request).documentIds
            guard !ids.isEmpty else { throw EngineError.validation("'document_ids' must not be empty", field: "document_ids") }
            guard ids.count <= database.limits.maxDocumentsPerBatch else {
                throw EngineError.limitExceeded(
                    "a batch holds at most \(database.limits.maxDocumentsPerBatch) documents; got \(ids.count)",
                    limit: database.limits.maxDocumentsPerBatch, field: "document_ids")
            }
            var results = ids.enumerated().map { BatchItemResult(line: $0 + 1, documentId: $1, error: nil) }
            var byLibrary: [String: [Int]] = [:]
            for (position, documentId) in ids.enumerated() {
                do {
                    byLibrary[try holder(of: documentId, in: context.access), default: []].append(position)
                } catch let error as EngineError {
                    results[position].error = error
                }
            }
            for (library, positions) in byLibrary {
                let outcome = try await database.deleteDocuments(libraryId: library, documentIds: positions.map { ids[$0] })
                for (position, item) in zip(positions, outcome.results) {
                    results[position].error = item.error
                    results[position].chunks = item.chunks
                }
            }
            return APIResponse.json(APIResponse.batch(BatchOutcome(results: results), since: start, added: false))
        }
        router.get("v1/documents/:doc") { request, context in
            let documentId = try context.parameters.require("doc")
            let document = try database.document(
                libraryId: try holder(of: documentId, in: context.access), documentId: documentId,
                includeEmbeddings: try request.boolQuery("include_embeddings") ?? false)
            return APIResponse.json(APIResponse.document(document))
        }
        router.delete("v1/documents/:doc") { _, context in
            let documentId = try context.parameters.require("doc")
            try await database.deleteDocument(libraryId: try holder(of: documentId, in: context.access), documentId: documentId)
            return Response(status: .noContent)
        }
    }

    /// The one library of `scope` holding `documentId`.
    private func holder(of documentId: String, in scope: AccessScope) throws -> String {
        let holders = database.libraries(holdingDocument: documentId).filter { id in
            scope.tenantId == nil || (try? database.library(id)).map(scope.sees) == true
        }
        guard holders.count <= 1 else {
            throw EngineError(
                ServerErrorCode.ambiguousDocument,
                message: "document '\(documentId)' is in \(holders.count) libraries; use /v1/libraries/{id}/documents/\(documentId)",
                details: ["document_id": .string(documentId), "library_ids": .array(holders.map(JSONValue.string))])
        }
        guard let holder = holders.first else { throw EngineError.documentNotFound(documentId) }
        return holder
    }

    /// `draft` when every chunk brings its vector, else a 400 naming the first that does not.
    static func requiringEmbeddings(_ draft: DocumentDraft) throws -> DocumentDraft {
        if let missing = draft.chunks.firstIndex(where: { $0.embedding == nil }) {
            throw EngineError.validation(
                "every chunk needs an 'embedding' on this route; chunk \(missing) has none", field: "chunks[\(missing)].embedding")
        }
        return draft
    }
}
