import ArrwIndex
import ArrwTestSupport
import CArrwKernels

/// Helpers the per-index test files share.

/// Seeded clustered data: `clusters` centres uniform in [−1, 1]^d, each point a random centre
/// plus uniform noise in [−spread, spread] per component.
func clusteredVectors(count: Int, dimension: Int, clusters: Int, spread: Float,
                      using generator: inout SeededGenerator) -> [[Float]] {
    let centres = randomVectors(count: clusters, dimension: dimension, using: &generator)
    return (0..<count).map { _ in
        let centre = centres[Int(generator.next() % UInt64(clusters))]
        return centre.map { $0 + Float.random(in: -spread...spread, using: &generator) }
    }
}

/// Mean recall@k of `index` against `brute` over `queries`: a result counts when its score
/// reaches the exact k-th score (within rounding).
func recallAgainstBruteForce(_ index: some VectorIndex, _ brute: BruteForceIndex, queries: [[Float]], k: Int,
                             options: SearchOptions = SearchOptions()) -> Double {
    var hits = 0
    for query in queries {
        let kth = brute.search(query: query, k: k, filter: nil).last!.score
        let limit = kth - 1e-5 * max(1, abs(kth))
        hits += index.search(query: query, k: k, filter: nil, options: options).filter { $0.score >= limit }.count
    }
    return Double(hits) / Double(k * queries.count)
}

/// Lets a test hand a (non-Sendable) index to concurrent tasks; the index's contract allows
/// concurrent reads while nothing mutates it.
struct ReadOnlyShare<Value>: @unchecked Sendable {
    let value: Value
}

/// Every query answered from concurrent tasks (filter: keys not divisible by 5), in query order.
func searchConcurrently(_ index: any VectorIndex, queries: [[Float]], k: Int) async -> [[Neighbor]] {
    let share = ReadOnlyShare(value: index)
    return await withTaskGroup(of: (Int, [Neighbor]).self) { group in
        for (i, query) in queries.enumerated() {
            group.addTask { (i, share.value.search(query: query, k: k, filter: { $0 % 5 != 0 })) }
        }
        var results = [[Neighbor]](repeating: [], count: queries.count)
        for await (i, result) in group { results[i] = result }
        return results
    }
}

/// Applies `change` to encoded index bytes and recomputes the envelope's CRC-32C, so only the
/// change is wrong (to test a decoder's own validation behind the checksum).
func resealed(_ bytes: [UInt8], _ change: (inout [UInt8]) -> Void) -> [UInt8] {
    var body = Array(bytes.dropLast(4))
    change(&body)
    let checksum = body.withUnsafeBytes { arrw_crc32c(0, $0.baseAddress, $0.count) }
    withUnsafeBytes(of: checksum.littleEndian) { body.append(contentsOf: $0) }
    return body
}
