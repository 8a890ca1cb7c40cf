import Foundation

extension JobHandlers {
    /// The most per-document errors a `batch_import` result lists (`errors_truncated` says more
    /// were left out; `failed` counts them all).
    static let maxListedErrors = 1000

    /// `input` with an `id` given to every document object of its `documents` array that has
    /// none. Throws when `documents` is not a non-empty array.
    static func withDocumentIds(_ input: JSONValue) throws -> JSONValue {
        guard var object = input.object, let documents = object["documents"]?.array, !documents.isEmpty else {
            throw EngineError.validation("'documents' must be a non-empty array of documents", field: "documents")
        }
        object["documents"] = .array(documents.map { document in
            guard var fields = document.object, fields["id"] == nil || fields["id"] == .null else { return document }
            fields["id"] = .string(RandomIdentifier.uuidString())
            return .object(fields)
        })
        return .object(object)
    }

    /// `batch_import`: stores the documents `slice` at a time through the batch write path,
    /// each document on its own (a bad one is listed in `errors` with its index and the others
    /// are stored). The checkpoint is the next index and the counts. A resumed attempt may find
    /// documents of its first slice already stored by the attempt a crash cut short: a stored
    /// document equal to the one to import counts as imported, so each is stored once.
    /// Result: `total`, `imported`, `failed`, `errors` [{index, document_id, error}].
    func batchImport(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        let documents = context.job.input.object?["documents"]?.array ?? []
        var next = Self.saved(context, "next")
        var imported = Self.saved(context, "imported")
        var failed = Self.saved(context, "failed")
        var retries = Self.saved(context, "embedding_retries")
        var errors = context.job.checkpoint.object?["errors"]?.array ?? []
        let resumed = context.job.attempts > 1
        func state() -> JSONValue {
            var object = Self.counts([
                "next": next, "total": documents.count, "imported": imported, "failed": failed, "embedding_retries": retries,
            ]).object!
            object["errors"] = .array(errors)
            object["errors_truncated"] = .bool(failed > errors.count)
            return .object(object)
        }
        while next < documents.count {
            let end = min(next + Self.slice, documents.count)
            let drafts = await DocumentJSON.drafts(Array(documents[next..<end]), limits: database.limits)
            let outcome = try await database.addDocuments(libraryId: library, drafts)
            retries += outcome.embeddingRetries
            for (offset, item) in outcome.results.enumerated() {
                if item.error == nil || (resumed && storedAlready(drafts[offset], library: library, error: item.error)) {
                    imported += 1
                    continue
                }
                failed += 1
                if errors.count < Self.maxListedErrors {
                    errors.append(.object([
                        "index": .int(Int64(next + offset)), "document_id": item.documentId.map(JSONValue.string) ?? .null,
                        "error": .string(item.error.map { $0.message } ?? ""),
                    ]))
                }
            }
            next = end
            try await context.checkpoint(
                current: next, total: documents.count, message: "\(imported) imported, \(failed) failed", checkpoint: state())
        }
        var result = state().object!
        result["next"] = nil
        return .object(result)
    }

    /// Whether a document the import could not store because its id exists is the very
    /// document it was importing (stored by an attempt that a crash cut short).
    private func storedAlready(_ draft: Result<DocumentDraft, EngineError>, library: String, error: EngineError?) -> Bool {
        guard error?.code == EngineError.Code.duplicateDocument.rawValue, let draft = try? draft.get(), let id = draft.id,
              let stored = try? database.document(libraryId: library, documentId: id)
        else { return false }
        return stored.title == draft.title && stored.metadata == draft.metadata && stored.fields == draft.fields
            && stored.chunks.map(\.text) == draft.chunks.map(\.text) && stored.chunks.map(\.metadata) == draft.chunks.map(\.metadata)
    }

    /// `batch_delete`: by `document_ids` (an id already gone counts as `already_absent`), or by
    /// `filter` (every document with a chunk that matches, whose metadata is its own merged over
    /// its document's), a slice at a time. Result: `total_requested` (ids only), `deleted`,
    /// `already_absent`.
    func batchDelete(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        var deleted = Self.saved(context, "deleted")
        guard context.job.input.object?["filter"] == nil else {
            let filter = try Self.filter(context.job.input)
            while true {
                let ids = try database.documentIds(libraryId: library, matching: filter, limit: Self.slice)
                if ids.isEmpty { break }
                for id in ids {
                    do {
                        try await database.deleteDocument(libraryId: library, documentId: id)
                        deleted += 1
                    } catch let error as EngineError where error.code == EngineError.Code.documentNotFound.rawValue {}
                }
                try await context.checkpoint(
                    current: deleted, total: deleted + (ids.count == Self.slice ? Self.slice : 0), message: "\(deleted) deleted",
                    checkpoint: Self.counts(["deleted": deleted]))
            }
            return Self.counts(["deleted": deleted])
        }
        let ids = try Self.documentIds(context.job.input)
        var next = Self.saved(context, "next")
        var missing = Self.saved(context, "already_absent")
        while next < ids.count {
            let end = min(next + Self.slice, ids.count)
            while next < end {
                do {
                    try await database.deleteDocument(libraryId: library, documentId: ids[next])
                    deleted += 1
                } catch let error as EngineError where error.code == EngineError.Code.documentNotFound.rawValue {
                    missing += 1
                }
                next += 1
            }
            try await context.checkpoint(
                current: next, total: ids.count, message: "\(deleted) deleted",
                checkpoint: Self.counts(["next": next, "deleted": deleted, "already_absent": missing]))
        }
        return Self.counts(["total_requested": ids.count, "deleted": deleted, "already_absent": missing])
    }
}
