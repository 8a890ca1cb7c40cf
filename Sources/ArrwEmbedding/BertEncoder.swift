import CArrwKernels

/// The fast BERT forward pass: linear layers on the packed-weight C GEMM (AVX-512 where the CPU
/// has it), element-wise steps and attention in the C kernels, then mean pooling and L2
/// normalisation (sentence-transformers' pipeline).
///
/// A batch is *packed*, not padded: the tokens of all sequences sit in one `[tokens × hidden]`
/// matrix for the dense layers, and attention runs per sequence over its own tokens only, so no
/// work is spent on padding and no attention mask is needed; a text's vector does not depend on
/// what it is batched with.
///
/// Immutable after `init`; `encode` may be called from several threads.
public final class BertEncoder: Sendable {
    private struct Layer: Sendable {
        let qkv: PackedLinear
        let attentionOutput: PackedLinear
        let attentionNorm: (gamma: [Float], beta: [Float])
        let intermediate: PackedLinear
        let output: PackedLinear
        let outputNorm: (gamma: [Float], beta: [Float])
    }

    public let configuration: BertConfiguration
    /// Threads for linear layers, attention heads and normalisation.
    public var threads: Int { pool.threads }
    private let pool: WorkerPool
    private let wordEmbeddings: [Float]
    private let positionEmbeddings: [Float]
    private let tokenTypeEmbedding: [Float]
    private let embeddingNorm: (gamma: [Float], beta: [Float])
    private let layers: [Layer]

    public init(weights: BertWeights, threads: Int) {
        let config = weights.configuration
        let h = config.hiddenSize
        configuration = config
        pool = WorkerPool(threads: threads)
        wordEmbeddings = weights.wordEmbeddings
        positionEmbeddings = weights.positionEmbeddings
        tokenTypeEmbedding = weights.tokenTypeEmbedding
        embeddingNorm = (weights.embeddingNormGamma, weights.embeddingNormBeta)
        layers = weights.layers.map { layer in
            Layer(
                qkv: PackedLinear(weight: layer.qkvWeight, bias: layer.qkvBias, outputs: 3 * h, inputs: h),
                attentionOutput: PackedLinear(weight: layer.attentionOutputWeight, bias: layer.attentionOutputBias, outputs: h, inputs: h),
                attentionNorm: (layer.attentionNormGamma, layer.attentionNormBeta),
                intermediate: PackedLinear(
                    weight: layer.intermediateWeight, bias: layer.intermediateBias, outputs: config.intermediateSize, inputs: h),
                output: PackedLinear(weight: layer.outputWeight, bias: layer.outputBias, outputs: h, inputs: config.intermediateSize),
                outputNorm: (layer.outputNormGamma, layer.outputNormBeta))
        }
    }

    /// The GEMM kernel this CPU runs (`AVX-512`, `AVX2+FMA` or `portable`), for logs and benchmark notes.
    public var gemmKernel: String {
        switch Int(arrw_gemm_kernel()) {
        case Int(ARRW_GEMM_AVX512): "AVX-512"
        case Int(ARRW_GEMM_AVX2): "AVX2+FMA"
        default: "portable"
        }
    }

    /// Unit-length sentence vectors, one per token sequence (each with `[CLS]`/`[SEP]`, at most
    /// `maxPositions` ids, every id below the vocabulary size).
    public func encode(_ sequences: [[Int32]]) -> [[Float]] {
        let h = configuration.hiddenSize
        precondition(
            sequences.allSatisfy { !$0.isEmpty && $0.count <= configuration.maxPositions && $0.allSatisfy { $0 >= 0 && Int($0) < configuration.vocabularySize } },
            "token sequence out of range")
        let offsets = sequences.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let total = offsets.last!
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: total * h)
        let attention = UnsafeMutablePointer<Float>.allocate(capacity: total * h)
        let context = UnsafeMutablePointer<Float>.allocate(capacity: total * h)
        let wide = UnsafeMutablePointer<Float>.allocate(capacity: total * max(3 * h, configuration.intermediateSize))
        defer { [hidden, attention, context, wide].forEach { $0.deallocate() } }

        embed(sequences, offsets: offsets, into: hidden)
        for layer in layers {
            layer.qkv.apply(hidden, rows: total, into: wide, pool: pool)
            attend(wide, offsets: offsets, into: context)
            layer.attentionOutput.apply(context, rows: total, into: attention, pool: pool)
            addAndNormalize(attention, residual: hidden, layer.attentionNorm, rows: total)
            layer.intermediate.apply(attention, rows: total, into: wide, pool: pool, gelu: true)
            layer.output.apply(wide, rows: total, into: hidden, pool: pool)
            addAndNormalize(hidden, residual: attention, layer.outputNorm, rows: total)
        }
        return sequences.indices.map { index in
            var vector = [Float](repeating: 0, count: h)
            // Safe: rows offsets[index]..<offsets[index + 1] are this sequence's, inside `hidden`.
            arrw_mean_pool_normalize(hidden + offsets[index] * h, Int32(sequences[index].count), Int32(h), &vector)
            return vector
        }
    }

    /// Word + position + token-type embeddings, then LayerNorm.
    private func embed(_ sequences: [[Int32]], offsets: [Int], into hidden: UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        wordEmbeddings.withUnsafeBufferPointer { words in
            positionEmbeddings.withUnsafeBufferPointer { positions in
                for (index, ids) in sequences.enumerated() {
                    for (position, id) in ids.enumerated() {
                        // Safe: id < vocabularySize and position < maxPositions (checked in encode), and the
                        // row lies inside `hidden`, which holds offsets.last! rows.
                        arrw_embedding_row(
                            words.baseAddress! + Int(id) * h, positions.baseAddress! + position * h, tokenTypeEmbedding,
                            hidden + (offsets[index] + position) * h, Int32(h))
                    }
                }
            }
        }
        arrw_layernorm(hidden, embeddingNorm.gamma, embeddingNorm.beta, Int32(offsets.last!), Int32(h), configuration.layerNormEpsilon)
    }

    /// Rows from which LayerNorm is split over the threads (fewer take a few microseconds).
    static let normalizationParallelRows = 64

    /// x[r] = LayerNorm(x[r] + residual[r]) · gamma + beta, rows split over the threads.
    private func addAndNormalize(
        _ x: UnsafeMutablePointer<Float>, residual: UnsafeMutablePointer<Float>, _ norm: (gamma: [Float], beta: [Float]), rows: Int
    ) {
        let h = configuration.hiddenSize
        let epsilon = configuration.layerNormEpsilon
        let shared = SharedPointers(input: residual, output: x)
        let workers = rows < Self.normalizationParallelRows ? 1 : threads
        norm.gamma.withUnsafeBufferPointer { gamma in
            norm.beta.withUnsafeBufferPointer { beta in
                let parameters = SharedPointers(input: gamma.baseAddress!, output: UnsafeMutablePointer(mutating: beta.baseAddress!))
                pool.run(splitting: rows, workers: workers) { range in
                    // Safe: rows range of x and residual lie inside their `rows × h` buffers; workers
                    // write disjoint rows.
                    arrw_add_residual_layernorm(
                        shared.output + range.lowerBound * h, shared.input + range.lowerBound * h, parameters.input, parameters.output,
                        Int32(range.count), Int32(h), epsilon)
                }
            }
        }
    }

    /// Attention work (Σ length² × hidden) below which the heads run on the calling thread.
    static let attentionParallelThreshold = 1_000_000

    /// Multi-head self-attention of every sequence, (sequence, head) jobs spread over the threads.
    private func attend(_ qkv: UnsafeMutablePointer<Float>, offsets: [Int], into context: UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        let headSize = configuration.headSize
        let heads = configuration.heads
        let jobs = (offsets.count - 1) * heads
        let lengths = zip(offsets.dropFirst(), offsets).map { $0 - $1 }
        let maxLength = lengths.max() ?? 0
        let work = lengths.reduce(0) { $0 + $1 * $1 } * h
        let workers = work < Self.attentionParallelThreshold ? 1 : min(threads, jobs)
        let scale = 1 / Float(headSize).squareRoot()
        let shared = SharedPointers(input: qkv, output: context)
        let run: @Sendable (Int) -> Void = { worker in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Int(arrw_attention_scratch_size(Int32(maxLength), Int32(headSize))))
            defer { scratch.deallocate() }
            for job in stride(from: worker, to: jobs, by: workers) {
                let start = offsets[job / heads]
                let head = job % heads
                // Safe: row `start` and the head's columns lie inside the qkv and context buffers;
                // each (sequence, head) job writes its own block of `context`.
                let q = shared.input + start * 3 * h + head * headSize
                arrw_attention_head(
                    q, q + h, q + 2 * h, Int32(3 * h), Int32(lengths[job / heads]), Int32(headSize), scale,
                    shared.output + start * h + head * headSize, Int32(h), scratch)
            }
        }
        pool.run(workers, run)
    }
}
