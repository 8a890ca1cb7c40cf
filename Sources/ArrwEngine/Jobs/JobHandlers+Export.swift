import ArrwStorage
import Foundation

extension JobHandlers {
    /// The export file of job `id`.
    static func exportName(_ id: UUID) -> String { id.uuidString.lowercased() + ".ndjson" }

    /// `batch_export`: writes every document of the library, in insertion order, as one NDJSON
    /// line in the form `DocumentJSON.exportLine` writes (with embeddings unless
    /// `include_embeddings` is false), which `batch_import` and `/documents/stream` read back
    /// unchanged. The file is synced before each checkpoint; a resumed attempt cuts it back to
    /// the checkpoint's length and goes on from its cursor. Result: `documents`, `bytes`,
    /// `download` (the route that serves the file), `expires_at` (seconds since 1970).
    func batchExport(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        let embeddings = try Self.includeEmbeddings(context.job.input)
        let name = Self.exportName(context.job.id)
        var written = Self.saved(context, "documents")
        var cursor = context.job.checkpoint.object?["cursor"]?.string
        let file = try exports.openForAppend(name, at: Self.saved(context, "bytes"))
        let total = try database.statistics(library).documentCount
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        repeat {
            let page = try database.listDocuments(libraryId: library, limit: Self.slice, cursor: cursor, includeEmbeddings: embeddings)
            var bytes: [UInt8] = []
            for document in page.documents {
                bytes += try encoder.encode(DocumentJSON.exportLine(document))
                bytes.append(0x0A)
            }
            try file.append(bytes)
            try file.sync()
            written += page.documents.count
            cursor = page.nextCursor
            var state = Self.counts(["documents": written, "bytes": file.length]).object!
            state["cursor"] = cursor.map(JSONValue.string) ?? .null
            if cursor != nil {
                try await context.checkpoint(
                    current: written, total: max(total, written), message: "\(written) documents written", checkpoint: .object(state))
            }
        } while cursor != nil
        return .object([
            "documents": .int(Int64(written)), "bytes": .int(Int64(file.length)),
            "download": .string("/v1/jobs/\(context.job.id.uuidString.lowercased())/result"),
            "expires_at": .double(Date().timeIntervalSince1970 + exports.retention),
        ])
    }
}
