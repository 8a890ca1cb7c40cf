import ArrwIndex
import ArrwTestSupport
import Testing

/// Fills an index and its reference with `n` seeded random vectors under scattered keys
/// (`i * 5 + 3`, inserted in shuffled order).
func makeIndexPair(metric: DistanceMetric, dimension: Int, n: Int, using generator: inout SeededGenerator)
    -> (BruteForceIndex, ReferenceIndex) {
    let index = BruteForceIndex(dimension: dimension, metric: metric)
    var reference = ReferenceIndex(dimension: dimension, metric: metric)
    for i in (0..<UInt64(n)).shuffled(using: &generator) {
        let v = randomVector(dimension: dimension, using: &generator)
        index.add(key: i * 5 + 3, vector: v)
        reference.add(key: i * 5 + 3, vector: v)
    }
    return (index, reference)
}

@Suite("BruteForceIndex")
struct BruteForceIndexTests {
    @Test("search equals the naive reference for k = 1, 10 and beyond n", arguments: DistanceMetric.allCases)
    func matchesReference(metric: DistanceMetric) {
        for dimension in [1, 37, 128] {
            var generator = SeededGenerator(seed: 21)
            let (index, reference) = makeIndexPair(metric: metric, dimension: dimension, n: 300, using: &generator)
            #expect(index.count == 300)
            for _ in 0..<10 {
                let query = randomVector(dimension: dimension, using: &generator)
                for k in [1, 10, 301] {
                    expectSameSearch(index, reference, query: query, k: k)
                }
            }
        }
    }

    @Test("filtered searches equal the reference on both scan paths (score first, filter first)",
          arguments: DistanceMetric.allCases)
    func filtersMatchReference(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 22)
        let (index, reference) = makeIndexPair(metric: metric, dimension: 24, n: 400, using: &generator)
        // Every third key; rare matches (~1%, scanned filter first); common ones (~90%, score first).
        let filters: [(UInt64) -> Bool] = [{ $0 % 3 == 0 }, { $0 % 97 == 0 }, { $0 % 10 != 0 }]
        for _ in 0..<5 {
            let query = randomVector(dimension: 24, using: &generator)
            for filter in filters {
                for k in [3, 10, 1000] { expectSameSearch(index, reference, query: query, k: k, filter: filter) }
            }
        }
    }

    @Test("after replacements and removals search still equals the reference", arguments: DistanceMetric.allCases)
    func mutationsMatchReference(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 24)
        let pair = makeIndexPair(metric: metric, dimension: 9, n: 200, using: &generator)
        let index = pair.0
        var reference = pair.1
        let keys = (0..<UInt64(200)).map { $0 * 5 + 3 }.shuffled(using: &generator)
        for (position, key) in keys.enumerated() where position % 2 == 0 || position % 3 == 0 {
            if position % 2 == 0 {
                index.remove(key: key)
                reference.remove(key: key)
            } else {
                let v = randomVector(dimension: 9, using: &generator)
                index.add(key: key, vector: v)
                reference.add(key: key, vector: v)
            }
        }
        #expect(index.count == reference.vectors.count)
        for (key, v) in reference.vectors { #expect(index.vector(for: key) == reference.stored(v)) }
        for _ in 0..<5 {
            let query = randomVector(dimension: 9, using: &generator)
            expectSameSearch(index, reference, query: query, k: 7)
            expectSameSearch(index, reference, query: query, k: 500)
        }
    }

    @Test("exactSearch scores only the given stored keys", arguments: DistanceMetric.allCases)
    func exactSearchAmongKeys(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 27)
        let (index, reference) = makeIndexPair(metric: metric, dimension: 12, n: 150, using: &generator)
        let candidates: [UInt64] = [8, 13, 13, 4, 743, 100_000, 48, 3]
        let allowed = Set(candidates)
        for _ in 0..<5 {
            let query = randomVector(dimension: 12, using: &generator)
            for k in [1, 3, 50] {
                let result = index.exactSearch(query: query, k: k, among: candidates)
                #expect(result == reference.search(query: query, k: k, filter: { allowed.contains($0) }))
                #expect(result == index.search(query: query, k: k, filter: { allowed.contains($0) }))
            }
        }
    }

    @Test("memoryBytes covers the stored vectors and grows with them")
    func memory() {
        var generator = SeededGenerator(seed: 25)
        let index = BruteForceIndex(dimension: 64, metric: .l2)
        let emptyBytes = index.memoryBytes
        for key in 0..<UInt64(1000) { index.add(key: key, vector: randomVector(dimension: 64, using: &generator)) }
        #expect(index.memoryBytes >= 1000 * 64 * 4 + 1000 * 8)
        #expect(index.memoryBytes > emptyBytes)
    }
}
