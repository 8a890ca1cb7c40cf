import Foundation

/// The `local` provider: sentence-transformers/all-MiniLM-L6-v2 run natively (WordPiece
/// tokenizer, 6-layer BERT, mean pooling, L2 normalisation), 384 dimensions, no network.
///
/// Texts longer than 254 word-pieces are truncated, as sentence-transformers does. Concurrent
/// calls share forward passes (`BatchScheduler`). It keeps no cache: the server puts every
/// provider behind one (`CachingEmbedder`).
public final class MiniLMEmbedder: EmbeddingProvider {
    public let modelName = "all-MiniLM-L6-v2"
    public var dimension: Int { encoder.configuration.hiddenSize }
    public let tokenizer: WordPieceTokenizer
    public let encoder: BertEncoder
    private let scheduler: BatchScheduler

    /// Loads `vocab.txt` and `model.safetensors` from `modelDirectory`.
    /// - Throws: `EmbeddingError` naming the path and the set-up command when the weights are
    ///   missing or malformed.
    public init(modelDirectory: String, threads: Int, maxBatchTokens: Int = 8192) throws {
        let weightsPath = (modelDirectory as NSString).appendingPathComponent("model.safetensors")
        let vocabularyPath = (modelDirectory as NSString).appendingPathComponent("vocab.txt")
        for path in [weightsPath, vocabularyPath] where !FileManager.default.fileExists(atPath: path) {
            throw EmbeddingError(
                "the MiniLM model is missing: \(path) does not exist; run scripts/fetch-model "
                    + "(scripts/serve and scripts/test run it) or point EMBEDDING_MODEL_PATH at the model folder")
        }
        do {
            tokenizer = try WordPieceTokenizer(vocabularyPath: vocabularyPath)
            encoder = BertEncoder(weights: try BertWeights(file: SafetensorsFile(path: weightsPath)), threads: threads)
        } catch let error as EmbeddingError {
            throw EmbeddingError("the MiniLM model in \(modelDirectory) cannot be loaded: \(error.message); "
                + "run scripts/fetch-model to restore it")
        }
        scheduler = BatchScheduler(encoder: encoder, maxBatchTokens: maxBatchTokens)
    }

    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        await scheduler.encode(texts.map { tokenizer.encode($0) })
    }
}
