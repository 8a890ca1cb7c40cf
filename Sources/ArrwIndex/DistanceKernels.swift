import CArrwKernels

/// The distance kernels: dot product and squared Euclidean distance over `Float` vectors, plus
/// plain scalar loops that serve as the reference in tests.
///
/// The fast kernels are C loops in `CArrwKernels` (`distance.c`), built for AVX-512, AVX2+FMA
/// and baseline x86-64 and chosen at run time: Swift compiles for baseline x86-64 only (SSE),
/// which measured 2–3× slower than AVX-512 on 384-d vectors in cache. They accept any `Float`
/// alignment, never read outside `0..<count` and allocate nothing. Their summation order depends
/// on the CPU's clone, so scores may differ in the last bits between machines, never between runs
/// on one machine.
///
/// Preconditions: both operands have the same count.
/// - Complexity: O(d) for every kernel.
public enum DistanceKernels {
    /// The dot product `Σ aᵢ·bᵢ` (SIMD).
    @inlinable
    public static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        precondition(a.count == b.count, "DistanceKernels.dot: counts differ (\(a.count) vs \(b.count))")
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return dot(pa, pb, count: a.count)
    }

    /// The squared Euclidean distance `Σ (aᵢ − bᵢ)²` (SIMD).
    @inlinable
    public static func squaredL2(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        precondition(a.count == b.count, "DistanceKernels.squaredL2: counts differ (\(a.count) vs \(b.count))")
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return squaredL2(pa, pb, count: a.count)
    }

    /// The dot product of the `count` floats at `a` and at `b`. The caller guarantees that both
    /// ranges are initialized and hold at least `count` floats.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        arrw_dot(a, b, n)
    }

    /// The squared Euclidean distance of the `count` floats at `a` and at `b`; same contract as
    /// ``dot(_:_:count:)``.
    @inlinable
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        arrw_squared_l2(a, b, n)
    }

    /// Reference dot product: one scalar accumulator, left to right. For tests, not for speed.
    public static func scalarDot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        precondition(a.count == b.count, "DistanceKernels.scalarDot: counts differ (\(a.count) vs \(b.count))")
        var sum: Float = 0
        for i in 0..<a.count { sum += a[i] * b[i] }
        return sum
    }

    /// Reference squared Euclidean distance: one scalar accumulator, left to right. For tests.
    public static func scalarSquaredL2(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        precondition(a.count == b.count, "DistanceKernels.scalarSquaredL2: counts differ (\(a.count) vs \(b.count))")
        var sum: Float = 0
        for i in 0..<a.count {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum
    }

    /// Scales `v` to unit length in place and returns its original Euclidean norm. A zero vector
    /// is left unchanged (and 0 returned). Norms whose square overflows or underflows `Float`
    /// are computed in `Double`, so any finite non-zero vector comes out with length 1 ± a few ulp.
    @discardableResult
    public static func normalize(_ v: inout [Float]) -> Float {
        let squared = v.withUnsafeBufferPointer { dot($0, $0) }
        if squared.isFinite && squared >= Float.leastNormalMagnitude {
            let norm = squared.squareRoot()
            let inverse = 1 / norm
            for i in v.indices { v[i] *= inverse }
            return norm
        }
        var wide: Double = 0
        for x in v { wide += Double(x) * Double(x) }
        guard wide > 0 else { return 0 }
        let norm = wide.squareRoot()
        for i in v.indices { v[i] = Float(Double(v[i]) / norm) }
        return Float(norm)
    }
}
