import CArrwKernels
import Dispatch

/// The fast BERT forward pass: GEMMs on OpenBLAS, element-wise steps and attention in the C
/// kernels, followed by mean pooling and L2 normalisation (sentence-transformers' pipeline).
///
/// A batch is *packed*, not padded: the tokens of all sequences sit in one `[tokens × hidden]`
/// matrix for the dense layers, and attention runs per sequence over its own tokens only, so no
/// work is spent on padding and no attention mask is needed. The result for a text therefore
/// does not depend on what it is batched with (up to float rounding in the GEMMs).
///
/// Immutable after `init`; `encode` may be called from several threads, though calls are best
/// serialized (OpenBLAS already uses `threads` threads per GEMM).
public final class BertEncoder: Sendable {
    public let weights: BertWeights
    /// Threads for GEMMs (OpenBLAS) and for attention heads.
    public let threads: Int

    /// - Throws: `EmbeddingError` when OpenBLAS cannot be opened.
    public init(weights: BertWeights, threads: Int) throws {
        var message = [CChar](repeating: 0, count: 512)
        guard arrw_blas_open(&message, Int32(message.count)) == 0 else {
            throw EmbeddingError(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        arrw_blas_set_threads(Int32(max(1, threads)))
        self.weights = weights
        self.threads = max(1, threads)
    }

    /// The CPU kernel family OpenBLAS runs (for logs and benchmark notes).
    public var blasCore: String { String(cString: arrw_blas_core_name()) }

    /// Unit-length sentence vectors, one per token sequence (each with `[CLS]`/`[SEP]`, at most
    /// `maxPositions` ids, every id below the vocabulary size).
    public func encode(_ sequences: [[Int32]]) -> [[Float]] {
        let config = weights.configuration
        let h = config.hiddenSize
        precondition(sequences.allSatisfy { !$0.isEmpty && $0.count <= config.maxPositions }, "sequence length out of range")
        let offsets = sequences.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let total = offsets.last!
        var hidden = [Float](repeating: 0, count: total * h)
        embed(sequences, offsets: offsets, into: &hidden)
        var qkv = [Float](repeating: 0, count: total * 3 * h)
        var context = [Float](repeating: 0, count: total * h)
        var attention = [Float](repeating: 0, count: total * h)
        var intermediate = [Float](repeating: 0, count: total * config.intermediateSize)
        for layer in weights.layers {
            Self.linear(hidden, rows: total, inputs: h, layer.qkvWeight, outputs: 3 * h, into: &qkv)
            arrw_add_bias(&qkv, layer.qkvBias, Int32(total), Int32(3 * h))
            attend(qkv, offsets: offsets, into: &context)
            Self.linear(context, rows: total, inputs: h, layer.attentionOutputWeight, outputs: h, into: &attention)
            arrw_add_bias_residual_layernorm(
                &attention, layer.attentionOutputBias, hidden, layer.attentionNormGamma, layer.attentionNormBeta,
                Int32(total), Int32(h), config.layerNormEpsilon)
            Self.linear(attention, rows: total, inputs: h, layer.intermediateWeight, outputs: config.intermediateSize, into: &intermediate)
            arrw_add_bias_gelu(&intermediate, layer.intermediateBias, Int32(total), Int32(config.intermediateSize))
            Self.linear(intermediate, rows: total, inputs: config.intermediateSize, layer.outputWeight, outputs: h, into: &hidden)
            arrw_add_bias_residual_layernorm(
                &hidden, layer.outputBias, attention, layer.outputNormGamma, layer.outputNormBeta,
                Int32(total), Int32(h), config.layerNormEpsilon)
        }
        return sequences.indices.map { index in
            var vector = [Float](repeating: 0, count: h)
            hidden.withUnsafeBufferPointer { rows in
                // Safe: rows offsets[index]..<offsets[index + 1] are this sequence's, inside `hidden`.
                arrw_mean_pool_normalize(rows.baseAddress! + offsets[index] * h, Int32(sequences[index].count), Int32(h), &vector)
            }
            return vector
        }
    }

    /// Word + position + token-type embeddings, then LayerNorm.
    private func embed(_ sequences: [[Int32]], offsets: [Int], into hidden: inout [Float]) {
        let h = weights.configuration.hiddenSize
        hidden.withUnsafeMutableBufferPointer { out in
            for (index, ids) in sequences.enumerated() {
                for (position, id) in ids.enumerated() {
                    let row = (offsets[index] + position) * h
                    let word = Int(id) * h
                    let place = position * h
                    for column in 0..<h {
                        out[row + column] = weights.wordEmbeddings[word + column] + weights.positionEmbeddings[place + column]
                            + weights.tokenTypeEmbedding[column]
                    }
                }
            }
        }
        arrw_layernorm(&hidden, weights.embeddingNormGamma, weights.embeddingNormBeta, Int32(offsets.last!), Int32(h), weights.configuration.layerNormEpsilon)
    }

    /// Multi-head self-attention of every sequence, heads spread over `threads` threads.
    private func attend(_ qkv: [Float], offsets: [Int], into context: inout [Float]) {
        let config = weights.configuration
        let h = config.hiddenSize
        let headSize = config.headSize
        let heads = config.heads
        let sequences = offsets.count - 1
        let maxLength = zip(offsets.dropFirst(), offsets).map { $0 - $1 }.max() ?? 0
        let scale = 1 / Float(headSize).squareRoot()
        let jobs = sequences * heads
        let workers = min(threads, jobs)
        qkv.withUnsafeBufferPointer { qkv in
            context.withUnsafeMutableBufferPointer { context in
                let input = UnsafeSendable(qkv.baseAddress!)
                let output = UnsafeSendable(context.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: maxLength * (headSize + 1))
                    defer { scratch.deallocate() }
                    for job in stride(from: worker, to: jobs, by: workers) {
                        let sequence = job / heads
                        let head = job % heads
                        let start = offsets[sequence]
                        let length = offsets[sequence + 1] - start
                        // Safe: row `start` and the head's columns lie inside the qkv and context buffers;
                        // each (sequence, head) job writes its own disjoint block of `context`.
                        let q = input.pointer + start * 3 * h + head * headSize
                        arrw_attention_head(
                            q, q + h, q + 2 * h, Int32(3 * h), Int32(length), Int32(headSize), scale,
                            output.pointer + start * h + head * headSize, Int32(h), scratch)
                    }
                }
            }
        }
    }

    /// out[rows × outputs] = input[rows × inputs] · weightᵀ, weight in PyTorch's [outputs × inputs] layout.
    static func linear(_ input: [Float], rows: Int, inputs: Int, _ weight: [Float], outputs: Int, into out: inout [Float]) {
        arrw_sgemm_nt(Int32(rows), Int32(outputs), Int32(inputs), 1, input, Int32(inputs), weight, Int32(inputs), 0, &out, Int32(outputs))
    }
}

/// A pointer handed to `concurrentPerform` workers that write disjoint regions.
private struct UnsafeSendable<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>

    init(_ pointer: UnsafePointer<Pointee>) {
        self.pointer = UnsafeMutablePointer(mutating: pointer)
    }

    init(_ pointer: UnsafeMutablePointer<Pointee>) {
        self.pointer = pointer
    }
}
