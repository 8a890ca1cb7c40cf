import ArrwEmbedding
import ArrwIndex
import ArrwStorage
import Foundation

extension JobHandlers {
    /// Chunks embedded in one provider call.
    static let embeddingSlice = 32

    /// `regenerate_embeddings`: embeds the text of every chunk again with the configured
    /// provider, a slice at a time in key order, staging the vectors in a file beside the
    /// exports (synced before each checkpoint; a resumed attempt cuts it back to the checkpoint
    /// and goes on after the last chunk it had), then swaps them all in at once in a fresh
    /// index (one logged change) and writes a snapshot. The old vectors serve searches until
    /// the swap. A chunk without text (it brought its own vector) keeps it; a chunk added
    /// meanwhile was embedded by the same provider; one deleted meanwhile is skipped. A provider
    /// whose dimension differs from the library's fails the job at once. Result:
    /// `total_chunks`, `regenerated`, `model`.
    func regenerateEmbeddings(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        let store = try database.store(library)
        let embedder = database.embedder
        guard let dimension = store.dimension else {
            return .object(["total_chunks": .int(0), "regenerated": .int(0), "model": .string(embedder.modelName)])
        }
        guard dimension == embedder.dimension else {
            throw EngineError(
                .dimensionMismatch,
                message: "the library holds \(dimension)-dimensional vectors but the embedding model '\(embedder.modelName)' gives \(embedder.dimension)")
        }
        _ = try await database.buildIndex(libraryId: library, optimize: false) { _, _ in }
        let name = context.job.id.uuidString.lowercased() + ".vectors"
        var lastKey = UInt64(Self.saved(context, "last_key"))
        var embedded = Self.saved(context, "embedded")
        let file = try exports.openForAppend(name, at: Self.saved(context, "bytes"))
        let total = try database.statistics(library).chunkCount
        func state() -> JSONValue { Self.counts(["last_key": Int(lastKey), "embedded": embedded, "bytes": file.length]) }
        // The keys are listed once (a chunk added later was embedded by this provider already);
        // each slice reads its texts, skipping chunks deleted since.
        let keys = store.sortedChunkKeys
        var next = keys.firstIndex { $0 > lastKey } ?? keys.count
        while next < keys.count {
            let slice = keys[next..<min(next + Self.embeddingSlice, keys.count)]
            next = slice.endIndex
            let batch = store.chunkTexts(slice)
            guard let last = batch.last else { continue }
            let vectors = try await database.embed(batch.map(\.text), purpose: .document)
            var writer = ByteWriter()
            for (chunk, vector) in zip(batch, vectors) {
                writer.write(chunk.key)
                writer.write(UInt32(vector.count))
                writer.write(floats: vector)
            }
            try file.append(writer.bytes)
            try file.sync()
            lastKey = last.key
            embedded += batch.count
            try await context.checkpoint(
                current: embedded, total: max(total, embedded), message: "\(embedded) chunks embedded", checkpoint: state())
        }
        var reader = ByteReader(try exports.read(name) ?? [])
        var staged: [UInt64: [Float]] = [:]
        while !reader.isAtEnd {
            let key = try reader.read(UInt64.self)
            staged[key] = try reader.readFloats(count: Int(try reader.read(UInt32.self)))
        }
        guard let replaced = try await store.replaceVectors(staged, progress: { _, _ in
            try await context.checkpoint(current: embedded, total: max(total, embedded), message: "swapping in", checkpoint: state())
        }) else {
            throw EngineError(.storageUnavailable, message: "an index change replaced the index while the new vectors were built; retrying")
        }
        try? await database.writeSnapshotAfterIndexSwap()
        try? exports.remove(name)
        return .object(["total_chunks": .int(Int64(embedded)), "regenerated": .int(Int64(replaced)), "model": .string(embedder.modelName)])
    }
}
