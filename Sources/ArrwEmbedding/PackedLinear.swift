import CArrwKernels
import Dispatch

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

    /// Work below this many multiply-adds runs on the calling thread (dispatching would cost more).
    static let parallelThreshold = 4_000_000

    /// out[rows × outputs] = input[rows × inputs] · Wᵀ + b, columns split over `threads` threads.
    func apply(_ input: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let panels = (outputs + 31) / 32
        let workers = rows * inputs * outputs < Self.parallelThreshold ? 1 : min(threads, panels)
        let shared = SharedPointers(input: input, output: out)
        packed.withUnsafeBufferPointer { packed in
            bias.withUnsafeBufferPointer { bias in
                let weights = SharedPointers(input: packed.baseAddress!, output: UnsafeMutablePointer(mutating: bias.baseAddress!))
                let run: @Sendable (Int) -> Void = { worker in
                    let first = panels * worker / workers
                    let last = panels * (worker + 1) / workers
                    let column = first * 32
                    let width = min(outputs, last * 32) - column
                    guard width > 0 else { return }
                    // Safe: panels first..<last and columns column..<column+width lie inside the packed weights,
                    // the bias and every output row; workers write disjoint column ranges.
                    arrw_gemm_packed(
                        Int32(rows), Int32(width), Int32(inputs), shared.input, Int32(inputs),
                        weights.input + first * 32 * inputs, weights.output + column, shared.output + column, Int32(outputs))
                }
                if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
            }
        }
    }
}

/// Raw pointers handed to worker threads that read `input` and write disjoint parts of `output`.
struct SharedPointers: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
}
