import ArrwIndex
import Foundation

/// How one attempt to swap a library onto another embedding model ended.
enum EmbeddingMoveStep: Equatable {
    /// The library serves the new model's vectors; this many were swapped in.
    case moved(Int)
    /// Chunks stored now have no vector of the new model (added since the move began): embed
    /// these keys and try again. Empty when the index type changed meanwhile (just try again).
    case incomplete(missing: [UInt64])
}

extension LibraryStore {
    /// The library's embedding model as recorded: provider name (empty for a library from
    /// before providers had names), model, and vector dimension.
    var embeddingIdentity: (provider: String, model: String, dimension: Int?) {
        lock.withReadLock { (settings.embeddingProvider, settings.embeddingModel, settings.dimension) }
    }

    /// Moves the library to `binding`: builds a fresh index of the new dimension from `vectors`
    /// (the new model's, by chunk key) outside the lock, so searches and writes go on against
    /// the old vectors, then, under the write lock, checks that every chunk stored now has a new
    /// vector, drops the ones deleted meanwhile, logs the change and swaps index, tail, dimension
    /// and model in one step. A chunk added meanwhile (embedded by the old model) makes the
    /// attempt `incomplete`, naming it. `progress(done, total)` runs between slices of the build.
    func moveEmbeddings(
        to binding: EmbeddingBinding, vectors: [UInt64: [Float]], progress: (Int, Int) async throws -> Void
    ) async throws -> EmbeddingMoveStep {
        let (settingsAtStart, metric) = try lock.withReadLock {
            try checkLiveLocked()
            return (settings.index, settings.metric)
        }
        let fresh = settingsAtStart.makeIndex(dimension: binding.dimension, metric: metric)
        let keys = vectors.keys.sorted()
        let slice = 1024
        for start in stride(from: 0, to: keys.count, by: slice) {
            for key in keys[start..<min(start + slice, keys.count)] { fresh.add(key: key, vector: vectors[key]!) }
            try await progress(min(start + slice, keys.count), keys.count)
        }
        if settingsAtStart.type != .hnsw { fresh.optimize() }
        return try lock.withWriteLock {
            try checkLiveLocked()
            guard settings.index == settingsAtStart else { return .incomplete(missing: []) }
            let missing = chunks.keys.filter { vectors[$0] == nil }
            guard missing.isEmpty else { return .incomplete(missing: missing.sorted()) }
            for key in keys where chunks[key] == nil { fresh.remove(key: key) }
            let stored = chunks.keys.sorted()
            let replacements = stored.map { VectorReplacement(chunkId: chunks[$0]!.id, vector: vectors[$0]!) }
            let now = Date()
            let sequence = try journal.append(.moveEmbeddings(libraryId: id, binding, replacements, at: now))
            swapEmbeddingsLocked(binding, index: fresh, at: now, sequence: sequence)
            return .moved(replacements.count)
        }
    }

    /// Applies a logged move on replay: every chunk takes its new vector, in a fresh index built
    /// in key order. Runs under the write lock; a chunk the record gives no vector fails recovery.
    func applyMoveEmbeddingsLocked(_ binding: EmbeddingBinding, _ replacements: [VectorReplacement], at date: Date, sequence: UInt64) throws {
        let vectorsById = Dictionary(replacements.map { ($0.chunkId, $0.vector) }) { first, _ in first }
        let fresh = settings.index.makeIndex(dimension: binding.dimension, metric: settings.metric)
        for key in chunks.keys.sorted() {
            guard let vector = vectorsById[chunks[key]!.id], vector.count == binding.dimension else {
                throw EngineError.recoveryFailed(
                    "WAL record \(sequence) moves library \(id.lowercased) to '\(binding.model)' without a vector for chunk '\(chunks[key]!.id)'")
            }
            fresh.add(key: key, vector: vector)
        }
        swapEmbeddingsLocked(binding, index: fresh, at: date, sequence: sequence)
    }

    /// The swap itself: the new index with an empty tail, the new model and dimension. A build
    /// of another index in progress is superseded (it held the old vectors); its logged target
    /// stays pending, to be built from the new ones.
    private func swapEmbeddingsLocked(_ binding: EmbeddingBinding, index fresh: any VectorIndex, at date: Date, sequence: UInt64) {
        index = fresh
        tail = BruteForceIndex(dimension: binding.dimension, metric: settings.metric)
        settings.dimension = binding.dimension
        settings.embeddingProvider = binding.provider
        settings.embeddingModel = binding.model
        settings.updatedAt = date
        rebuild = rebuild.flatMap { old in old.requestedAt.map { IndexRebuild(target: old.target, requestedAt: $0) } }
        appliedThrough = sequence
        tailWaiters.resumeAll()
    }
}
