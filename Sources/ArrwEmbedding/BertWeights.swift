/// The shape of a BERT encoder (all-MiniLM-L6-v2's by default).
public struct BertConfiguration: Sendable, Equatable {
    public var vocabularySize = 30522
    public var hiddenSize = 384
    public var layers = 6
    public var heads = 12
    public var intermediateSize = 1536
    public var maxPositions = 512
    public var layerNormEpsilon: Float = 1e-12

    public var headSize: Int { hiddenSize / heads }

    public init() {}
}

/// The weights of a BERT encoder, read from a safetensors file with Hugging Face's `BertModel`
/// tensor names. Linear weights keep PyTorch's `[out, in]` layout; each layer's query, key and
/// value projections are stacked into one `[3·hidden, hidden]` matrix so one GEMM computes all three.
/// The pooler is not loaded (sentence-transformers does not use it).
public struct BertWeights: Sendable {
    /// One transformer layer.
    public struct Layer: Sendable {
        public var qkvWeight: [Float]
        public var qkvBias: [Float]
        public var attentionOutputWeight: [Float]
        public var attentionOutputBias: [Float]
        public var attentionNormGamma: [Float]
        public var attentionNormBeta: [Float]
        public var intermediateWeight: [Float]
        public var intermediateBias: [Float]
        public var outputWeight: [Float]
        public var outputBias: [Float]
        public var outputNormGamma: [Float]
        public var outputNormBeta: [Float]
    }

    public let configuration: BertConfiguration
    public let wordEmbeddings: [Float]
    public let positionEmbeddings: [Float]
    /// Token type 0's embedding (every token of a single-segment input).
    public let tokenTypeEmbedding: [Float]
    public let embeddingNormGamma: [Float]
    public let embeddingNormBeta: [Float]
    public let layers: [Layer]

    /// Reads every tensor, checking each name and shape; throws `EmbeddingError` naming the file.
    public init(file: SafetensorsFile, configuration: BertConfiguration = BertConfiguration()) throws {
        let h = configuration.hiddenSize
        let i = configuration.intermediateSize
        self.configuration = configuration
        wordEmbeddings = try file.floats("embeddings.word_embeddings.weight", shape: [configuration.vocabularySize, h])
        positionEmbeddings = try file.floats("embeddings.position_embeddings.weight", shape: [configuration.maxPositions, h])
        tokenTypeEmbedding = Array(try file.floats("embeddings.token_type_embeddings.weight", shape: [2, h]).prefix(h))
        embeddingNormGamma = try file.floats("embeddings.LayerNorm.weight", shape: [h])
        embeddingNormBeta = try file.floats("embeddings.LayerNorm.bias", shape: [h])
        layers = try (0..<configuration.layers).map { index in
            let prefix = "encoder.layer.\(index)."
            func tensor(_ name: String, _ shape: [Int]) throws -> [Float] { try file.floats(prefix + name, shape: shape) }
            return Layer(
                qkvWeight: try ["query", "key", "value"].flatMap { try tensor("attention.self.\($0).weight", [h, h]) },
                qkvBias: try ["query", "key", "value"].flatMap { try tensor("attention.self.\($0).bias", [h]) },
                attentionOutputWeight: try tensor("attention.output.dense.weight", [h, h]),
                attentionOutputBias: try tensor("attention.output.dense.bias", [h]),
                attentionNormGamma: try tensor("attention.output.LayerNorm.weight", [h]),
                attentionNormBeta: try tensor("attention.output.LayerNorm.bias", [h]),
                intermediateWeight: try tensor("intermediate.dense.weight", [i, h]),
                intermediateBias: try tensor("intermediate.dense.bias", [i]),
                outputWeight: try tensor("output.dense.weight", [h, i]),
                outputBias: try tensor("output.dense.bias", [h]),
                outputNormGamma: try tensor("output.LayerNorm.weight", [h]),
                outputNormBeta: try tensor("output.LayerNorm.bias", [h]))
        }
    }
}
