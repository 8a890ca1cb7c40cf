import ArrwEmbedding
import ArrwIndex
import ArrwStorage
import Foundation

extension JobHandlers {
    /// Chunks embedded in one provider call.
    static let embeddingSlice = 32
    /// Rounds a model move makes to catch up with chunks added while it embedded, before it
    /// gives up (writes arriving faster than the new model embeds them).
    static let moveRounds = 20

    /// `regenerate_embeddings`: embeds the text of every chunk again, a slice at a time in key
    /// order, staging the vectors in a file beside the exports (synced before each checkpoint;
    /// a resumed attempt cuts it back to the checkpoint and goes on after the last chunk it
    /// had), then swaps them all in at once in a fresh index (one logged change) and writes a
    /// snapshot. The old vectors serve searches until the swap.
    ///
    /// Without `embedding_model`, or naming the library's own, the library's provider embeds
    /// again: a chunk without text (it brought its own vector) keeps it, a chunk added meanwhile
    /// was embedded by the same provider, one deleted meanwhile is skipped, and a provider whose
    /// dimension differs from the library's fails the job at once. Naming another model, or a
    /// library whose provider now serves another model than its vectors are of (or, from before
    /// providers had names, whose model no provider serves: the default then), moves the
    /// library to that model (`moveEmbeddings`). Result: `total_chunks`, `regenerated`, `model`,
    /// `provider` (and for a move `previous_model`, `dimension`).
    func regenerateEmbeddings(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        let store = try database.store(library)
        let current = store.embeddingIdentity
        let target: CachingEmbedder
        if let name = context.job.input.object?["embedding_provider"]?.string {
            target = try database.namedProvider(name, field: "embedding_model")
        } else if let bound = database.boundProvider(name: current.provider, model: current.model) {
            target = bound
        } else if current.provider.isEmpty {
            target = database.embedders.defaultProvider
        } else {
            // Its provider is not configured: this throws the 409 that says so.
            target = try database.embeddingProvider(for: store)
        }
        if target.name != current.provider || target.modelName != current.model {
            return try await moveEmbeddings(context, store: store, to: target)
        }
        let provider = try database.embeddingProvider(for: store)
        func result(_ total: Int, _ regenerated: Int) -> JSONValue {
            .object([
                "total_chunks": .int(Int64(total)), "regenerated": .int(Int64(regenerated)), "model": .string(provider.modelName),
                "provider": .string(provider.name),
            ])
        }
        guard current.dimension != nil else { return result(0, 0) }
        try database.checkProviderDimension(provider, library: current.dimension, advice: "move the library with an 'embedding_model'")
        _ = try await database.buildIndex(libraryId: library, optimize: false) { _, _ in }
        let staging = try StagedVectors(context, exports: exports)
        let total = try database.statistics(library).chunkCount
        // The keys are listed once (a chunk added later was embedded by this provider already).
        try await staging.embed(store.sortedChunkKeys, of: store, with: provider, database: database, total: total)
        guard let replaced = try await store.replaceVectors(try staging.load(), progress: { _, _ in
            try await staging.checkpoint(total: total, message: "swapping in")
        }) else {
            throw EngineError(.storageUnavailable, message: "an index change replaced the index while the new vectors were built; retrying")
        }
        try? await database.writeSnapshotAfterIndexSwap()
        staging.remove()
        return result(staging.embedded, replaced)
    }

    /// A `regenerate_embeddings` naming another model: every chunk's text is embedded by
    /// `target` while the old vectors keep serving searches (and new writes are embedded by the
    /// old model); then the library is swapped onto the new model in one logged change
    /// (`LibraryStore.moveEmbeddings`). Chunks added meanwhile are embedded by `target` and the
    /// swap tried again, up to `moveRounds` times. A chunk without text (the client brought its
    /// vector) keeps it when the dimension stays; to another dimension it cannot move, and the
    /// job fails before swapping anything.
    func moveEmbeddings(_ context: JobContext, store: LibraryStore, to target: CachingEmbedder) async throws -> JSONValue {
        let library = store.id.uuidString
        let previous = store.embeddingIdentity.model
        _ = try await database.buildIndex(libraryId: library, optimize: false) { _, _ in }
        let staging = try StagedVectors(context, exports: exports)
        let total = try database.statistics(library).chunkCount
        var keys = store.sortedChunkKeys
        for _ in 0..<Self.moveRounds {
            try await staging.embed(keys, of: store, with: target, database: database, total: total)
            var vectors = try staging.load()
            var dimension = vectors.values.first?.count ?? target.dimension
            if dimension == 0 { dimension = try await database.embed(["dimension probe"], purpose: .document, with: target)[0].count }
            vectors = vectors.filter { $0.value.count == dimension }
            try vectors.merge(store.textlessVectors(keys, keepingDimension: dimension, movingTo: target.modelName)) { new, _ in new }
            let binding = EmbeddingBinding(provider: target.name, model: target.modelName, dimension: dimension)
            switch try await store.moveEmbeddings(to: binding, vectors: vectors, progress: { _, _ in
                try await staging.checkpoint(total: total, message: "building the new index")
            }) {
            case .moved(let moved):
                try? await database.writeSnapshotAfterIndexSwap()
                staging.remove()
                return .object([
                    "total_chunks": .int(Int64(staging.embedded)), "regenerated": .int(Int64(moved)), "model": .string(target.modelName),
                    "provider": .string(target.name), "previous_model": .string(previous), "dimension": .int(Int64(dimension)),
                ])
            case .incomplete(let missing):
                keys = missing
            }
        }
        throw EngineError(
            .storageUnavailable,
            message: "documents kept arriving faster than '\(target.modelName)' embedded them; the library stays on '\(previous)'; run the job again")
    }
}

/// The vectors a `regenerate_embeddings` job has embedded so far, in a file beside the exports
/// (per chunk: key UInt64, UInt32 length, floats), with the job's checkpoint: the last key
/// embedded, the count and the file's length. A resumed job cuts the file back to its
/// checkpoint and goes on after the last key; one whose file is gone starts over.
final class StagedVectors {
    private let context: JobContext
    private let exports: ExportFiles
    private let name: String
    private let file: ExportFiles.Writer
    private(set) var lastKey: UInt64
    private(set) var embedded: Int

    init(_ context: JobContext, exports: ExportFiles) throws {
        self.context = context
        self.exports = exports
        name = context.job.id.uuidString.lowercased() + ".vectors"
        // A checkpoint without its file: the attempt that wrote it swapped the vectors in and
        // removed the file, then was stopped before the job was marked done. Embedding again
        // from the start makes the swap (of the same vectors) and the result whole again.
        let resumable = exports.exists(name)
        lastKey = resumable ? UInt64(JobHandlers.saved(context, "last_key")) : 0
        embedded = resumable ? JobHandlers.saved(context, "embedded") : 0
        file = try exports.openForAppend(name, at: resumable ? JobHandlers.saved(context, "bytes") : 0)
    }

    /// Embeds the texts of `keys` after `lastKey` (those still stored and with text) with
    /// `provider`, a slice per call, each slice synced and checkpointed.
    func embed(_ keys: [UInt64], of store: LibraryStore, with provider: CachingEmbedder, database: Database, total: Int) async throws {
        var next = keys.firstIndex { $0 > lastKey } ?? keys.count
        while next < keys.count {
            let slice = keys[next..<min(next + JobHandlers.embeddingSlice, keys.count)]
            next = slice.endIndex
            let batch = store.chunkTexts(slice)
            guard let last = batch.last else { continue }
            let vectors = try await database.embed(batch.map(\.text), purpose: .document, with: provider)
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
            try await checkpoint(total: total, message: "\(embedded) chunks embedded")
        }
    }

    func checkpoint(total: Int, message: String) async throws {
        try await context.checkpoint(
            current: embedded, total: max(total, embedded), message: message,
            checkpoint: JobHandlers.counts(["last_key": Int(lastKey), "embedded": embedded, "bytes": file.length]))
    }

    /// Every vector staged, by chunk key (a later one for a key wins).
    func load() throws -> [UInt64: [Float]] {
        var reader = ByteReader(try exports.read(name) ?? [])
        var staged: [UInt64: [Float]] = [:]
        while !reader.isAtEnd {
            let key = try reader.read(UInt64.self)
            staged[key] = try reader.readFloats(count: Int(try reader.read(UInt32.self)))
        }
        return staged
    }

    func remove() {
        try? exports.remove(name)
    }
}
