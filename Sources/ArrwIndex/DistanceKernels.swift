/// The distance kernels: dot product and squared Euclidean distance over `Float` vectors, written
/// with portable SIMD types, plus plain scalar loops that serve as the reference in tests.
///
/// The SIMD kernels read 32 floats per step into four independent `SIMD8<Float>` accumulators
/// (so additions do not wait on one another), then at most one 16-, one 8- and one 4-float step,
/// reduce the lanes as a tree, and add a scalar tail of at most 3 floats.
/// Loads are unaligned, so a vector may start at any `Float` boundary (rows of a ``VectorSlab``).
/// They never read outside `0..<count` and allocate nothing. Summation order depends only on
/// the count, never on the address, so equal inputs always give bit-identical results.
/// Separate multiply and add are used on purpose: `addingProduct` is a fused multiply-add, which
/// baseline x86-64 lacks and would emulate lane by lane.
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

    /// The dot product of the `count` floats at `a` and at `b` (SIMD). The caller
    /// guarantees that both ranges are initialized and hold at least `count` floats.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        // Safe (every load below): a load of W floats at byte offset 4i happens only when
        // i + W <= n, so it stays inside both count-float ranges. The steps are written out, not
        // factored into a helper, because debug builds (the test suites) do not inline helpers.
        while i &+ 32 <= n {
            let o = i &* 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            s2 += ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
            s3 += ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
            i &+= 32
        }
        if i &+ 16 <= n {
            let o = i &* 4
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            i &+= 16
        }
        if i &+ 8 <= n {
            let o = i &* 4
            s2 += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            i &+= 8
        }
        var s = (s0 + s1) + (s2 + s3)
        if i &+ 4 <= n {
            let o = i &* 4
            s.lowHalf += ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                * rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            i &+= 4
        }
        var sum = horizontalSum(s)
        while i < n {
            // Safe: i < n.
            sum += a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// The squared Euclidean distance of the `count` floats at `a` and at `b` (SIMD). The caller
    /// guarantees that both ranges are initialized and hold at least `count` floats.
    @inlinable
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        // Safe (every load below): a load of W floats at byte offset 4i happens only when
        // i + W <= n, so it stays inside both count-float ranges. The steps are written out, not
        // factored into a helper, because debug builds (the test suites) do not inline helpers.
        while i &+ 32 <= n {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s0 += d0 * d0
            let d1 = ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            s1 += d1 * d1
            let d2 = ra.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 64, as: SIMD8<Float>.self)
            s2 += d2 * d2
            let d3 = ra.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 96, as: SIMD8<Float>.self)
            s3 += d3 * d3
            i &+= 32
        }
        if i &+ 16 <= n {
            let o = i &* 4
            let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s0 += d0 * d0
            let d1 = ra.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Float>.self)
            s1 += d1 * d1
            i &+= 16
        }
        if i &+ 8 <= n {
            let o = i &* 4
            let d2 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s2 += d2 * d2
            i &+= 8
        }
        var s = (s0 + s1) + (s2 + s3)
        if i &+ 4 <= n {
            let o = i &* 4
            let d = ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                - rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            s.lowHalf += d * d
            i &+= 4
        }
        var sum = horizontalSum(s)
        while i < n {
            // Safe: i < n.
            let d = a[i] - b[i]
            sum += d * d
            i &+= 1
        }
        return sum
    }

    /// The sum of the 8 lanes as a tree (halves added pairwise), a few vector instructions instead
    /// of `SIMD.sum()`'s lane-by-lane chain.
    @inlinable
    @inline(__always)
    static func horizontalSum(_ s: SIMD8<Float>) -> Float {
        let four = s.lowHalf + s.highHalf
        let two = four.lowHalf + four.highHalf
        return two.x + two.y
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
