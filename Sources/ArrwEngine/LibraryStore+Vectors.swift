import ArrwIndex
import Foundation

/// A chunk whose text a `regenerate_embeddings` job embeds again.
struct ChunkText {
    var key: UInt64
    var id: String
    var text: String
}

extension LibraryStore {
    /// Every chunk key, in key (insertion) order.
    var sortedChunkKeys: [UInt64] { lock.withReadLock { chunks.keys.sorted() } }

    /// The chunks of `keys` still stored and with text.
    func chunkTexts(_ keys: ArraySlice<UInt64>) -> [ChunkText] {
        lock.withReadLock {
            keys.compactMap { key in chunks[key].flatMap { $0.text.isEmpty ? nil : ChunkText(key: key, id: $0.id, text: $0.text) } }
        }
    }

    /// The stored vectors of the chunks of `keys` that have no text (their vectors were the
    /// client's), kept through a move to `model` when its `dimension` is the library's;
    /// otherwise such a chunk cannot move and this throws, naming it.
    func textlessVectors(_ keys: [UInt64], keepingDimension dimension: Int, movingTo model: String) throws -> [UInt64: [Float]] {
        try lock.withReadLock {
            var kept: [UInt64: [Float]] = [:]
            for key in keys {
                guard let chunk = chunks[key], chunk.text.isEmpty, let vector = storedVector(key) else { continue }
                guard vector.count == dimension else {
                    throw EngineError.validation(
                        "chunk '\(chunk.id)' of document '\(chunk.documentId)' has no text, only its \(vector.count)-dimensional vector; "
                            + "it cannot be embedded by '\(model)' (\(dimension) dimensions), so the library cannot move to it", field: "embedding_model")
                }
                kept[key] = vector
            }
            return kept
        }
    }

    /// Swaps in `vectors` (by chunk key) at once: a fresh index is built beside the serving one
    /// (as `buildPending` builds an optimization), the change is logged just before the swap
    /// with the chunks still stored, and the swap is one step under the write lock. Returns the
    /// number of vectors replaced, or nil when a logged index change waits for its build or
    /// superseded this one (build that, then try again).
    func replaceVectors(_ vectors: [UInt64: [Float]], progress: (Int, Int) async throws -> Void) async throws -> Int? {
        var replaced = 0
        let outcome = try await buildPending(optimizeIfIdle: true, replacing: vectors, logSwap: { [self] stored in
            let now = Date()
            let replacements = stored.map { VectorReplacement(chunkId: chunks[$0.0]!.id, vector: $0.1) }
            let sequence = try journal.append(.replaceVectors(libraryId: id, replacements, at: now))
            settings.updatedAt = now
            replaced = replacements.count
            return sequence
        }, progress: progress)
        guard case .completed? = outcome else { return nil }
        return replaced
    }

    /// Applies a logged `replaceVectors` on replay: the chunks still stored take their new
    /// vectors, in a fresh index built in key order (as the first run's build added them), with
    /// an empty tail. Runs under the write lock.
    func applyReplaceVectorsLocked(_ replacements: [VectorReplacement], at date: Date, sequence: UInt64) {
        appliedThrough = sequence
        settings.updatedAt = date
        guard let dimension = settings.dimension, index != nil else { return }
        let keysById = Dictionary(uniqueKeysWithValues: chunks.map { ($0.value.id, $0.key) })
        var vectors: [UInt64: [Float]] = [:]
        for replacement in replacements where replacement.vector.count == dimension {
            if let key = keysById[replacement.chunkId] { vectors[key] = replacement.vector }
        }
        let fresh = settings.index.makeIndex(dimension: dimension, metric: settings.metric)
        for key in chunks.keys.sorted() {
            if let vector = vectors[key] ?? storedVector(key) { fresh.add(key: key, vector: vector) }
        }
        index = fresh
        tail = BruteForceIndex(dimension: dimension, metric: settings.metric)
    }
}
