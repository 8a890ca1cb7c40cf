/// How the graph scores stored vectors (greater is closer), resolved at compile time so the
/// kernels inline into the search loops.
protocol HNSWScore {
    /// The score of the `count` floats at `a` and at `b`.
    static func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float
    /// The scores of `q` against `a`, `b`, `c` and `d` in one pass (each chunk of `q` is loaded
    /// once for four rows). Each lane equals `score` within rounding (the summation order differs).
    static func score4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float>
}

/// Cosine (on unit vectors) and dot: the dot product.
enum DotProduct: HNSWScore {
    @inline(__always)
    static func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        DistanceKernels.dot(a, b, count: count)
    }

    /// Per 8-float step: one query load, four row loads, four multiply-adds into one `SIMD8`
    /// accumulator per row (eight independent SSE chains on baseline x86-64); then a 4-float step
    /// and a scalar tail of at most 3 floats. Allocates nothing; reads only `0..<count`.
    @inline(__always)
    static func score4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float> {
        let rq = UnsafeRawPointer(q), ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        let rc = UnsafeRawPointer(c), rd = UnsafeRawPointer(d)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        // Safe (every load below): a load of W floats at byte offset 4i happens only when
        // i + W <= count, inside all five count-float ranges.
        while i &+ 8 <= count {
            let o = i &* 4
            let x = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s0 += x * ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += x * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s2 += x * rc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s3 += x * rd.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            i &+= 8
        }
        if i &+ 4 <= count {
            let o = i &* 4
            let x = rq.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            s0.lowHalf += x * ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            s1.lowHalf += x * rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            s2.lowHalf += x * rc.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            s3.lowHalf += x * rd.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            i &+= 4
        }
        var sums = SIMD4(DistanceKernels.horizontalSum(s0), DistanceKernels.horizontalSum(s1),
                         DistanceKernels.horizontalSum(s2), DistanceKernels.horizontalSum(s3))
        while i < count {
            // Safe: i < count.
            sums += q[i] * SIMD4(a[i], b[i], c[i], d[i])
            i &+= 1
        }
        return sums
    }
}

/// L2: −(squared Euclidean distance).
enum NegativeSquaredL2: HNSWScore {
    @inline(__always)
    static func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        -DistanceKernels.squaredL2(a, b, count: count)
    }

    /// As ``DotProduct/score4(_:_:_:_:_:_:)``, accumulating squared differences.
    @inline(__always)
    static func score4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float> {
        let rq = UnsafeRawPointer(q), ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        let rc = UnsafeRawPointer(c), rd = UnsafeRawPointer(d)
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        // Safe (every load below): a load of W floats at byte offset 4i happens only when
        // i + W <= count, inside all five count-float ranges.
        while i &+ 8 <= count {
            let o = i &* 4
            let x = rq.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d0 = x - ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d1 = x - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d2 = x - rc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            let d3 = x - rd.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s0 += d0 * d0
            s1 += d1 * d1
            s2 += d2 * d2
            s3 += d3 * d3
            i &+= 8
        }
        if i &+ 4 <= count {
            let o = i &* 4
            let x = rq.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            let d0 = x - ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            let d1 = x - rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            let d2 = x - rc.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            let d3 = x - rd.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
            s0.lowHalf += d0 * d0
            s1.lowHalf += d1 * d1
            s2.lowHalf += d2 * d2
            s3.lowHalf += d3 * d3
            i &+= 4
        }
        var sums = SIMD4(DistanceKernels.horizontalSum(s0), DistanceKernels.horizontalSum(s1),
                         DistanceKernels.horizontalSum(s2), DistanceKernels.horizontalSum(s3))
        while i < count {
            // Safe: i < count.
            let delta = q[i] - SIMD4(a[i], b[i], c[i], d[i])
            sums += delta * delta
            i &+= 1
        }
        return -sums
    }
}

/// Which visited nodes may enter the results; specialized, so `AcceptAll` costs nothing.
protocol HNSWGate {
    func accepts(_ id: UInt32) -> Bool
}

struct AcceptAll: HNSWGate {
    @inline(__always) func accepts(_ id: UInt32) -> Bool { true }
}

/// Live nodes only.
struct AcceptLive: HNSWGate {
    let view: GraphView
    @inline(__always) func accepts(_ id: UInt32) -> Bool { !view.isTombstone(id) }
}

/// Live nodes whose key the caller's filter accepts.
struct AcceptFiltered: HNSWGate {
    let view: GraphView
    let filter: (UInt64) -> Bool
    @inline(__always) func accepts(_ id: UInt32) -> Bool {
        // Safe: id < the store's count.
        !view.isTombstone(id) && filter(view.keys[Int(id)])
    }
}
