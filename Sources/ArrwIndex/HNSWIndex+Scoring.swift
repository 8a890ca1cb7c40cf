import CArrwKernels

/// How the graph scores stored vectors (greater is closer), resolved at compile time. The
/// kernels are CArrwKernels' run-time-dispatched C loops (AVX-512 / AVX2+FMA / baseline): Swift
/// code is compiled for baseline x86-64 (SSE) only, which measured 1.7× slower per query on
/// 384-d vectors than the AVX-512 loops.
protocol HNSWScore: SendableMetatype {
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
        arrw_dot(a, b, count)
    }

    @inline(__always)
    static func score4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float> {
        var out = SIMD4<Float>()
        // Safe: out is 4 contiguous floats, written by arrw_dot4 and not escaping the closure;
        // the five inputs hold count floats each (the caller's precondition).
        withUnsafeMutableBytes(of: &out) {
            arrw_dot4(q, a, b, c, d, count, $0.baseAddress!.assumingMemoryBound(to: Float.self))
        }
        return out
    }
}

/// L2: −(squared Euclidean distance).
enum NegativeSquaredL2: HNSWScore {
    @inline(__always)
    static func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        -arrw_squared_l2(a, b, count)
    }

    @inline(__always)
    static func score4(_ q: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float> {
        var out = SIMD4<Float>()
        // Safe: as in DotProduct.score4.
        withUnsafeMutableBytes(of: &out) {
            arrw_squared_l2_4(q, a, b, c, d, count, $0.baseAddress!.assumingMemoryBound(to: Float.self))
        }
        return -out
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
