import Foundation

/// The work behind each job type this build runs. A handler resumes from its job's checkpoint,
/// so running it again after a restart never repeats committed work.
enum JobHandlers {
    /// Document ids handled between two checkpoints.
    static let slice = 100

    static func all(database: Database) -> [JobType: JobQueue.Handler] {
        [.batchDelete: { context in try await batchDelete(database, context) }]
    }

    /// Checks a submission's input for `type` before anything is logged.
    static func validate(_ type: JobType, libraryId: String?, input: JSONValue) throws {
        switch type {
        case .batchDelete:
            guard libraryId != nil else { throw EngineError.validation("'library_id' is required", field: "library_id") }
            _ = try documentIds(input)
        default:
            break
        }
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

    /// `batch_delete` by `document_ids`: deletes each (an id already gone counts as `already_absent`),
    /// checkpointing every `slice` ids, and at once when asked to stop (so a cancelled job's
    /// result counts exactly what it deleted). Result: `total_requested`, `deleted`, `already_absent`.
    static func batchDelete(_ database: Database, _ context: JobContext) async throws -> JSONValue {
        let ids = try documentIds(context.job.input)
        let library = context.job.libraryId!.uuidString
        let saved = context.job.checkpoint.object ?? [:]
        var next = Int(saved["next"]?.number ?? 0)
        var deleted = Int(saved["deleted"]?.number ?? 0)
        var missing = Int(saved["already_absent"]?.number ?? 0)
        func state() -> JSONValue {
            .object(["next": .int(Int64(next)), "deleted": .int(Int64(deleted)), "already_absent": .int(Int64(missing))])
        }
        while next < ids.count {
            let end = min(next + slice, ids.count)
            while next < end, !context.shouldStop {
                do {
                    try await database.deleteDocument(libraryId: library, documentId: ids[next])
                    deleted += 1
                } catch let error as EngineError where error.code == EngineError.Code.documentNotFound.rawValue {
                    missing += 1
                }
                next += 1
            }
            try await context.checkpoint(current: next, total: ids.count, message: "\(deleted) deleted", checkpoint: state())
        }
        return .object(["total_requested": .int(Int64(ids.count)), "deleted": .int(Int64(deleted)), "already_absent": .int(Int64(missing))])
    }
}
