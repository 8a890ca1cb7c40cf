import CArrwKernels

/// A linear layer `y = x · Wᵀ + b` with W packed once for the C GEMM's micro-kernel
/// (`arrw_pack_weights`). Immutable; `apply` may run from many threads at once.
struct PackedLinear: Sendable {
    let inputs: Int
    let outputs: Int
    let packed: [Float]
    let bias: [Float]

    /// - Parameters: `weight` in PyTorch's `[outputs × inputs]` layout; `bias` of `outputs` values.
    init(weight: [Float], bias: [Float], outputs: Int, inputs: Int) {
        precondition(weight.count == outputs * inputs && bias.count == outputs, "linear layer shape mismatch")
        var packed = [Float](repeating: 0, count: Int(arrw_packed_size(Int32(outputs), Int32(inputs))))
        arrw_pack_weights(weight, Int32(outputs), Int32(inputs), &packed)
        self.inputs = inputs
        self.outputs = outputs
        self.packed = packed
        self.bias = bias
    }

    /// Work below this many multiply-adds runs on the calling thread. Low, because a small pass
    /// is bound by streaming the weights from memory, which two cores do faster than one, and a
    /// region on the `WorkerPool` costs microseconds to start.
    static let parallelThreshold = 500_000

    /// out[rows × outputs] = input[rows × inputs] · Wᵀ + b, then GELU when `gelu`; columns split
    /// over the pool's threads (each applies the activation to its own columns).
    func apply(_ input: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, pool: WorkerPool, gelu: Bool = false) {
        let panels = (outputs + 31) / 32
        let workers = rows * inputs * outputs < Self.parallelThreshold ? 1 : min(pool.threads, panels)
        let shared = SharedPointers(input: input, output: out)
        let (inputs, outputs) = (inputs, outputs)
        packed.withUnsafeBufferPointer { packed in
            bias.withUnsafeBufferPointer { bias in
                let weights = SharedPointers(input: packed.baseAddress!, output: UnsafeMutablePointer(mutating: bias.baseAddress!))
                pool.run(splitting: panels, workers: workers) { panelRange in
                    let column = panelRange.lowerBound * 32
                    let width = min(outputs, panelRange.upperBound * 32) - column
                    // Safe: the worker's panels and columns column..<column+width lie inside the packed
                    // weights, the bias and every output row; workers write disjoint column ranges.
                    arrw_gemm_packed(
                        Int32(rows), Int32(width), Int32(inputs), shared.input, Int32(inputs),
                        weights.input + column * inputs, weights.output + column, shared.output + column, Int32(outputs))
                    if gelu { arrw_gelu_strided(shared.output + column, Int32(rows), Int32(width), Int32(outputs)) }
                }
            }
        }
    }
}

/// Raw pointers handed to worker threads that read `input` and write disjoint parts of `output`.
struct SharedPointers: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
}
