import ArrwIndex
import Testing

/// The naive model every exact index is checked against: a dictionary of vectors and a full sort.
///
/// It keeps two scores per key: `kernelScore`, computed by the same SIMD kernel the index uses
/// (so the exact order, ties included, must match bit for bit), and `exactScore`, computed in
/// `Double` by plain loops from the raw inputs (so the scores must agree within rounding).
struct ReferenceIndex {
    let dimension: Int
    let metric: DistanceMetric
    private(set) var vectors: [UInt64: [Float]] = [:]

    init(dimension: Int, metric: DistanceMetric) {
        self.dimension = dimension
        self.metric = metric
    }

    mutating func add(key: UInt64, vector: [Float]) { vectors[key] = vector }
    mutating func remove(key: UInt64) { vectors[key] = nil }

    /// The stored form of `v`: unit length for cosine.
    func stored(_ v: [Float]) -> [Float] {
        var copy = v
        if metric == .cosine { DistanceKernels.normalize(&copy) }
        return copy
    }

    func kernelScore(_ query: [Float], _ v: [Float]) -> Float {
        stored(v).withUnsafeBufferPointer { pv in stored(query).withUnsafeBufferPointer { metric.score(pv, $0) } }
    }

    func exactScore(_ query: [Float], _ v: [Float]) -> Double {
        let dot = zip(query, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        switch metric {
        case .dot: return dot
        case .l2: return -zip(query, v).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
        case .cosine:
            let nq = query.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let nv = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            return dot / (nq * nv)
        }
    }

    /// All matching keys, best first by the kernel score (ties: smaller key), cut to k.
    func search(query: [Float], k: Int, filter: ((UInt64) -> Bool)? = nil) -> [Neighbor] {
        let all = vectors.filter { filter?($0.key) ?? true }
            .map { Neighbor(key: $0.key, score: kernelScore(query, $0.value)) }
        return Array(all.sorted { $0.ranksBefore($1) }.prefix(k))
    }
}

/// Asserts that `index` answers `query` as `reference` does: same keys in the same order, the
/// same kernel scores, and scores within rounding of the exact (Double) ones.
func expectSameSearch(_ index: some VectorIndex, _ reference: ReferenceIndex, query: [Float], k: Int,
                      filter: ((UInt64) -> Bool)? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let result = index.search(query: query, k: k, filter: filter)
    let expected = reference.search(query: query, k: k, filter: filter)
    #expect(result.map(\.key) == expected.map(\.key), sourceLocation: sourceLocation)
    #expect(result.map(\.score) == expected.map(\.score), sourceLocation: sourceLocation)
    for neighbor in result {
        guard let v = reference.vectors[neighbor.key] else {
            Issue.record("key \(neighbor.key) is not stored", sourceLocation: sourceLocation)
            continue
        }
        let exact = reference.exactScore(query, v)
        let scale = reference.metric == .cosine ? 1 : max(1, abs(exact))
        #expect(abs(Double(neighbor.score) - exact) <= 1e-5 * scale, sourceLocation: sourceLocation)
    }
}
