import CArrwKernels

/// One exact scan of a slab's rows against a query, feeding a ``TopKHeap``.
///
/// Each loop is specialized per metric (the score closure is inlined). With a filter, two loops
/// give identical results:
/// - *score first* (the default): score every row and ask the filter only about rows that would
///   enter the heap (score ≥ its threshold). Once the heap is full few rows qualify, so the filter
///   runs roughly (k / pass rate)·ln(n) times instead of n, and the scan streams through memory
///   as an unfiltered one does. Measured (1 thread, DRAM-resident 384-d and 50-d): within a few
///   percent of the unfiltered time for pass rates from 1/16 to 1 (bit-pattern and `Set.contains`
///   filters).
/// - *filter first*: ask the filter for every key and score only accepted rows. Chosen when almost
///   no key passes (sampled pass rate below ``filterFirstBelow``): the heap would rarely fill, so
///   score first would call the filter for most rows anyway and also do all the arithmetic.
///   (At moderate pass rates it loses: skipping rows breaks the hardware prefetcher's stream, so
///   a 50% filter made a DRAM-resident 384-d scan 2× slower than no filter, and a 25% `Set`
///   filter over 1 M 50-d rows 6× slower, from the filter calls.)
/// Nothing is allocated per row.
struct ExactScan {
    /// Sampled pass rate under which the scan asks the filter first (at most 2 of 64 keys pass).
    static let filterFirstBelow = 0.04
    /// Keys sampled to estimate the pass rate.
    static let sampleSize = 64

    /// The query, `dimension` floats (unit length for cosine).
    let query: UnsafePointer<Float>
    /// The first row; rows follow each other every `dimension` floats.
    let vectors: UnsafePointer<Float>
    /// The key of each row.
    let keys: UnsafeBufferPointer<UInt64>
    let dimension: Int

    /// Preconditions: `query.count == dimension`, `vectors.count == keys.count * dimension`, at
    /// least one row.
    init(query: UnsafeBufferPointer<Float>, vectors: UnsafeBufferPointer<Float>,
         keys: UnsafeBufferPointer<UInt64>, dimension: Int) {
        precondition(query.count == dimension && vectors.count == keys.count * dimension && !keys.isEmpty,
                     "ExactScan: inconsistent buffers")
        // Safe: both buffers are non-empty (checked above), so their base addresses exist.
        self.query = query.baseAddress!
        self.vectors = vectors.baseAddress!
        self.keys = keys
        self.dimension = dimension
    }

    /// Rows scored per call of the C block kernel (a 4 KiB score buffer on the stack).
    static let block = 1024

    /// Scores rows by dot product (cosine on unit vectors, or dot), those `filter` accepts if given.
    func dot(into heap: inout TopKHeap, filter: ((UInt64) -> Bool)?) {
        let query = self.query, dimension = self.dimension
        run(into: &heap, filter: filter, blockScore: arrw_dot_rows) { DistanceKernels.dot($0, query, count: dimension) }
    }

    /// Scores rows by −(squared Euclidean distance), those `filter` accepts if given.
    func squaredL2(into heap: inout TopKHeap, filter: ((UInt64) -> Bool)?) {
        let query = self.query, dimension = self.dimension
        run(into: &heap, filter: filter, blockScore: arrw_negative_squared_l2_rows) {
            -DistanceKernels.squaredL2($0, query, count: dimension)
        }
    }

    /// The fraction of a sample of keys that `filter` accepts. Sample rows come from a fixed
    /// integer hash of 0, 1, 2, …, so they are spread over the index and never in lockstep with a
    /// periodic key pattern (such as "even keys").
    func passRate(of filter: (UInt64) -> Bool) -> Double {
        Self.passRate(of: filter, keys: keys)
    }

    /// The fraction of a sample of `keys` that `filter` accepts (see the instance method).
    static func passRate(of filter: (UInt64) -> Bool, keys: UnsafeBufferPointer<UInt64>) -> Double {
        let samples = Swift.min(keys.count, Self.sampleSize)
        var passed = 0
        for i in 0..<UInt64(samples) {
            var x = (i &+ 1) &* 0x9E37_79B9_7F4A_7C15
            x = (x ^ (x >> 32)) &* 0xD6E8_FEB8_6659_FD93
            x ^= x >> 32
            // Safe: the remainder lies in 0..<keys.count.
            if filter(keys[Int(x % UInt64(keys.count))]) { passed += 1 }
        }
        return Double(passed) / Double(samples)
    }

    /// A C kernel scoring `count` consecutive rows against the query into `scores`.
    typealias BlockScore = (UnsafePointer<Float>?, UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<Float>?) -> Void

    @inline(__always)
    private func run(into heap: inout TopKHeap, filter: ((UInt64) -> Bool)?, blockScore: BlockScore,
                     score: (UnsafePointer<Float>) -> Float) {
        guard let filter else { return scoreFirst(into: &heap, filter: { _ in true }, blockScore: blockScore) }
        if passRate(of: filter) < Self.filterFirstBelow {
            filterFirst(into: &heap, filter: filter, score: score)
        } else {
            scoreFirst(into: &heap, filter: filter, blockScore: blockScore)
        }
    }

    @inline(__always)
    private func scoreFirst(into heap: inout TopKHeap, filter: (UInt64) -> Bool, blockScore: BlockScore) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.block) { scores in
            var start = 0
            while start < keys.count {
                let count = Swift.min(Self.block, keys.count - start)
                // Safe: rows start..<start+count lie inside the rows buffer; `scores` holds block ≥ count floats.
                blockScore(query, vectors + start * dimension, count, dimension, scores.baseAddress)
                for offset in 0..<count {
                    let s = scores[offset]
                    if s < heap.threshold { continue }
                    // Safe: start + offset is one of keys.indices.
                    let key = keys[start + offset]
                    if filter(key) { heap.insert(key: key, score: s) }
                }
                start += count
            }
        }
    }

    @inline(__always)
    private func filterFirst(into heap: inout TopKHeap, filter: (UInt64) -> Bool,
                             score: (UnsafePointer<Float>) -> Float) {
        for index in keys.indices {
            // Safe: index is one of keys.indices.
            let key = keys[index]
            guard filter(key) else { continue }
            // Safe: index < keys.count, so row `index` lies inside the rows buffer.
            heap.insert(key: key, score: score(vectors + index * dimension))
        }
    }
}

extension ExactScan {
    /// The `k` best rows of `store` for `query`, already normalized for cosine, nearest first: the
    /// whole exact search of ``BruteForceIndex``, shared by the indexes that scan every row.
    /// Preconditions: `k >= 1`, at least one row.
    static func nearest(to query: [Float], k: Int, metric: DistanceMetric, store: KeyedVectorStore,
                        filter: ((UInt64) -> Bool)?) -> [Neighbor] {
        var heap = TopKHeap(k: k)
        query.withUnsafeBufferPointer { q in
            store.keys.withUnsafeBufferPointer { keyBuffer in
                store.slab.withUnsafeRows { vectors in
                    let scan = ExactScan(query: q, vectors: vectors, keys: keyBuffer, dimension: store.dimension)
                    switch metric {
                    case .cosine, .dot: scan.dot(into: &heap, filter: filter)
                    case .l2: scan.squaredL2(into: &heap, filter: filter)
                    }
                }
            }
        }
        return heap.sortedNearestFirst()
    }
}
