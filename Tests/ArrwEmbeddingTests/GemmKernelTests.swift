import ArrwTestSupport
import CArrwKernels
import Testing

/// Every GEMM kernel this CPU has (portable, AVX2 + FMA, AVX-512) against a scalar reference,
/// over shapes with partial tiles, partial panels, strided rows, with and without a bias.
@Suite struct GemmKernelTests {
    /// `a · wᵀ + bias`, row by row, in Double.
    static func reference(_ a: [Float], rows: Int, lda: Int, _ w: [Float], outputs: Int, inputs: Int, bias: [Float]?) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outputs)
        for r in 0..<rows {
            for j in 0..<outputs {
                var sum = Double(bias?[j] ?? 0)
                for i in 0..<inputs { sum += Double(a[r * lda + i]) * Double(w[j * inputs + i]) }
                out[r * outputs + j] = Float(sum)
            }
        }
        return out
    }

    @Test("each kernel agrees with the scalar reference", arguments: [
        (1, 1, 1), (1, 32, 7), (5, 17, 33), (6, 16, 8), (7, 48, 64), (13, 33, 100), (97, 65, 384), (200, 96, 40),
    ])
    func kernelsAgree(shape: (rows: Int, outputs: Int, inputs: Int)) throws {
        var generator = SeededGenerator(seed: UInt64(shape.rows * 1000 + shape.outputs * 10 + shape.inputs))
        let lda = shape.inputs + 3
        let a = (0..<shape.rows * lda).map { _ in Float.random(in: -1...1, using: &generator) }
        let w = (0..<shape.outputs * shape.inputs).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<shape.outputs).map { _ in Float.random(in: -1...1, using: &generator) }
        var packed = [Float](repeating: 0, count: Int(arrw_packed_size(Int32(shape.outputs), Int32(shape.inputs))))
        arrw_pack_weights(w, Int32(shape.outputs), Int32(shape.inputs), &packed)
        var ran: [Int32] = []
        for kernel in [ARRW_GEMM_PORTABLE, ARRW_GEMM_AVX2, ARRW_GEMM_AVX512].map(Int32.init) {
            for withBias in [false, true] {
                let expected = Self.reference(a, rows: shape.rows, lda: lda, w, outputs: shape.outputs, inputs: shape.inputs, bias: withBias ? bias : nil)
                var c = [Float](repeating: .nan, count: shape.rows * shape.outputs)
                let supported = withBias
                    ? arrw_gemm_packed_with(kernel, Int32(shape.rows), Int32(shape.outputs), Int32(shape.inputs), a, Int32(lda), packed, bias, &c, Int32(shape.outputs))
                    : arrw_gemm_packed_with(kernel, Int32(shape.rows), Int32(shape.outputs), Int32(shape.inputs), a, Int32(lda), packed, nil, &c, Int32(shape.outputs))
                guard supported == 1 else { continue }
                if withBias { ran.append(kernel) }
                let worst = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-4 * Float(shape.inputs), "kernel \(kernel) bias \(withBias): largest difference \(worst)")
            }
        }
        #expect(ran.first == Int32(ARRW_GEMM_PORTABLE) && ran.contains(arrw_gemm_kernel()), "the portable kernel and the one this CPU runs were checked")
    }
}
