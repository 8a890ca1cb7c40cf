import ArrwIndex
import ArrwTestSupport
import Testing

/// Every dimension up to 70 (every tail length of every block size), plus common model sizes.
let kernelDimensions = Array(1...70) + [128, 384, 768]

/// Unit roundoff of Float.
let floatRoundoff = Double(Float.ulpOfOne) / 2

/// Calls `body` with `a` and `b` copied into buffers starting `offsetA` / `offsetB` floats in,
/// surrounded by NaN sentinels so that any read outside the operands poisons the result.
func withGuardedOperands<R>(_ a: [Float], _ b: [Float], offsetA: Int, offsetB: Int,
                            _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> R) -> R {
    let padding = 40
    var bufferA = [Float](repeating: .nan, count: offsetA + a.count + padding)
    var bufferB = [Float](repeating: .nan, count: offsetB + b.count + padding)
    bufferA.replaceSubrange(offsetA ..< offsetA + a.count, with: a)
    bufferB.replaceSubrange(offsetB ..< offsetB + b.count, with: b)
    return bufferA.withUnsafeBufferPointer { whole in
        bufferB.withUnsafeBufferPointer { wholeB in
            body(UnsafeBufferPointer(rebasing: whole[offsetA ..< offsetA + a.count]),
                 UnsafeBufferPointer(rebasing: wholeB[offsetB ..< offsetB + b.count]))
        }
    }
}

@Suite("Distance kernels")
struct DistanceKernelsTests {
    @Test("SIMD and scalar kernels agree with the exact value on random vectors, at every alignment",
          arguments: kernelDimensions)
    func randomVectorsAgree(dimension: Int) {
        var generator = SeededGenerator(seed: 0xD157 &+ UInt64(dimension))
        for offsetA in 0..<4 {
            for offsetB in [0, 3] {
                let a = randomVector(dimension: dimension, using: &generator)
                let b = randomVector(dimension: dimension, using: &generator)
                let exactDot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let magnitudeDot = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                let exactL2 = zip(a, b).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
                // Rigorous bound for any summation order: γₙ·Σ|terms| (plus rounding of a − b for l2).
                let gamma = Double(dimension + 2) * floatRoundoff / (1 - Double(dimension + 2) * floatRoundoff)
                withGuardedOperands(a, b, offsetA: offsetA, offsetB: offsetB) { pa, pb in
                    let simdDot = Double(DistanceKernels.dot(pa, pb))
                    let scalarDot = Double(DistanceKernels.scalarDot(pa, pb))
                    let simdL2 = Double(DistanceKernels.squaredL2(pa, pb))
                    let scalarL2 = Double(DistanceKernels.scalarSquaredL2(pa, pb))
                    #expect(abs(simdDot - exactDot) <= gamma * magnitudeDot, "dot d=\(dimension)")
                    #expect(abs(simdDot - scalarDot) <= 2 * gamma * magnitudeDot, "dot vs scalar d=\(dimension)")
                    #expect(abs(simdL2 - exactL2) <= 2 * gamma * exactL2, "l2 d=\(dimension)")
                    #expect(abs(simdL2 - scalarL2) <= 4 * gamma * exactL2, "l2 vs scalar d=\(dimension)")
                }
            }
        }
    }

    @Test("On small integers (exact in Float) SIMD equals scalar bit for bit and reads nothing outside",
          arguments: kernelDimensions)
    func integerVectorsAreExact(dimension: Int) {
        var generator = SeededGenerator(seed: 0x1A7 &+ UInt64(dimension))
        for offset in 0..<4 {
            let a = (0..<dimension).map { _ in Float(Int.random(in: -8...8, using: &generator)) }
            let b = (0..<dimension).map { _ in Float(Int.random(in: -8...8, using: &generator)) }
            let exactDot = Float(zip(a, b).reduce(0) { $0 + Int($1.0) * Int($1.1) })
            let exactL2 = Float(zip(a, b).reduce(0) { $0 + (Int($1.0) - Int($1.1)) * (Int($1.0) - Int($1.1)) })
            withGuardedOperands(a, b, offsetA: offset, offsetB: 1) { pa, pb in
                #expect(DistanceKernels.dot(pa, pb) == exactDot)
                #expect(DistanceKernels.scalarDot(pa, pb) == exactDot)
                #expect(DistanceKernels.squaredL2(pa, pb) == exactL2)
                #expect(DistanceKernels.scalarSquaredL2(pa, pb) == exactL2)
            }
        }
    }

    @Test("Empty operands give 0")
    func emptyOperands() {
        let empty = UnsafeBufferPointer<Float>(start: nil, count: 0)
        #expect(DistanceKernels.dot(empty, empty) == 0)
        #expect(DistanceKernels.squaredL2(empty, empty) == 0)
    }

    @Test("normalize scales to unit length, keeps direction and returns the norm", arguments: [1, 3, 50, 384])
    func normalizeRandom(dimension: Int) {
        var generator = SeededGenerator(seed: 77)
        let original = randomVector(dimension: dimension, using: &generator)
        var v = original
        let norm = DistanceKernels.normalize(&v)
        let exactNorm = original.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(norm) - exactNorm) <= 1e-6 * exactNorm)
        let length = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(length - 1) <= 1e-6)
        for (scaled, raw) in zip(v, original) {
            #expect(abs(Double(scaled) * exactNorm - Double(raw)) <= 1e-5)
        }
    }

    @Test("normalize leaves a zero vector unchanged and returns 0")
    func normalizeZero() {
        var v: [Float] = [0, 0, 0]
        #expect(DistanceKernels.normalize(&v) == 0)
        #expect(v == [0, 0, 0])
    }

    @Test("normalize handles norms whose square overflows or underflows Float", arguments: [Float(1e30), Float(1e-30)])
    func normalizeExtremes(magnitude: Float) {
        var v: [Float] = [3 * magnitude, -4 * magnitude]
        let norm = DistanceKernels.normalize(&v)
        #expect(abs(Double(norm) / (5 * Double(magnitude)) - 1) <= 1e-6)
        #expect(abs(v[0] - 0.6) <= 1e-6)
        #expect(abs(v[1] + 0.8) <= 1e-6)
    }
}

@Suite("Distance metric conversions")
struct DistanceMetricTests {
    @Test("apiDistance and apiScore follow the spec for each metric")
    func conversions() {
        #expect(DistanceMetric.cosine.apiDistance(fromScore: 0.75) == 0.25)
        #expect(DistanceMetric.cosine.apiScore(fromScore: 0.75) == 0.75)
        #expect(DistanceMetric.l2.apiDistance(fromScore: -9) == 3)
        #expect(DistanceMetric.l2.apiScore(fromScore: -9) == 0.25)
        #expect(DistanceMetric.l2.apiDistance(fromScore: 0) == 0)
        #expect(DistanceMetric.l2.apiScore(fromScore: 0) == 1)
        #expect(DistanceMetric.l2.apiDistance(fromScore: 1e-7) == 0, "a rounding-positive score clamps to 0")
        #expect(DistanceMetric.dot.apiDistance(fromScore: 2.5) == -2.5)
        #expect(DistanceMetric.dot.apiScore(fromScore: 2.5) == 2.5)
    }

    @Test("raw values are the API's spelling")
    func rawValues() {
        #expect(DistanceMetric.allCases.map(\.rawValue) == ["cosine", "l2", "dot"])
        #expect(DistanceMetric(rawValue: "l2") == .l2)
        #expect(DistanceMetric(rawValue: "euclidean") == nil)
    }

    @Test("score uses the dot product for cosine and dot, minus squared L2 for l2")
    func score() {
        let a: [Float] = [1, 2, 3]
        let b: [Float] = [4, -5, 6]
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                #expect(DistanceMetric.dot.score(pa, pb) == 12)
                #expect(DistanceMetric.cosine.score(pa, pb) == 12)
                #expect(DistanceMetric.l2.score(pa, pb) == -(9 + 49 + 9))
            }
        }
    }
}
