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

    @Test("filters return exactly k when at least k keys match, else every match", arguments: DistanceMetric.allCases)
    func filters(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 22)
        let (index, reference) = makeIndexPair(metric: metric, dimension: 24, n: 400, using: &generator)
        let divisibleBy3: (UInt64) -> Bool = { $0 % 3 == 0 }
        let matching = (0..<UInt64(400)).map { $0 * 5 + 3 }.filter(divisibleBy3).count
        for _ in 0..<5 {
            let query = randomVector(dimension: 24, using: &generator)
            let ten = index.search(query: query, k: 10, filter: divisibleBy3)
            #expect(ten.count == 10)
            #expect(ten.allSatisfy { divisibleBy3($0.key) })
            expectSameSearch(index, reference, query: query, k: 10, filter: divisibleBy3)
            let all = index.search(query: query, k: 1000, filter: divisibleBy3)
            #expect(all.count == matching)
            expectSameSearch(index, reference, query: query, k: 1000, filter: divisibleBy3)
            #expect(index.search(query: query, k: 5, filter: { _ in false }).isEmpty)
            // Rare matches (~1%, scanned filter first) and common ones (~90%, scanned score first).
            let rare: (UInt64) -> Bool = { $0 % 97 == 0 }
            #expect(index.search(query: query, k: 3, filter: rare).count == 3)
            expectSameSearch(index, reference, query: query, k: 3, filter: rare)
            expectSameSearch(index, reference, query: query, k: 1000, filter: rare)
            let common: (UInt64) -> Bool = { $0 % 10 != 0 }
            expectSameSearch(index, reference, query: query, k: 10, filter: common)
            expectSameSearch(index, reference, query: query, k: 1000, filter: common)
            let onlyOne = index.search(query: query, k: 5, filter: { $0 == 8 })
            #expect(onlyOne.map(\.key) == [8])
        }
    }

    @Test("adding an existing key replaces its vector", arguments: DistanceMetric.allCases)
    func addReplaces(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 23)
        let pair = makeIndexPair(metric: metric, dimension: 16, n: 100, using: &generator)
        let index = pair.0
        var reference = pair.1
        let old = reference.vectors[53]!
        let new = randomVector(dimension: 16, using: &generator)
        index.add(key: 53, vector: new)
        reference.add(key: 53, vector: new)
        #expect(index.count == 100)
        #expect(index.vector(for: 53) == reference.stored(new))
        if metric != .dot {
            #expect(index.search(query: new, k: 1, filter: nil).first?.key == 53, "a vector is its own nearest")
        }
        let scoreOfOld = index.search(query: old, k: 100, filter: { $0 == 53 }).first?.score
        #expect(scoreOfOld == reference.kernelScore(old, new), "the old vector is gone")
        for _ in 0..<5 {
            expectSameSearch(index, reference, query: randomVector(dimension: 16, using: &generator), k: 20)
        }
    }

    @Test("removed keys are never returned; the rest still search correctly", arguments: DistanceMetric.allCases)
    func remove(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 24)
        let pair = makeIndexPair(metric: metric, dimension: 9, n: 200, using: &generator)
        let index = pair.0
        var reference = pair.1
        let keys = (0..<UInt64(200)).map { $0 * 5 + 3 }.shuffled(using: &generator)
        for (position, key) in keys.enumerated() where position % 2 == 0 {
            #expect(index.remove(key: key))
            reference.remove(key: key)
            #expect(!index.contains(key: key))
            #expect(index.vector(for: key) == nil)
        }
        #expect(!index.remove(key: keys[0]), "removing twice reports absence")
        #expect(!index.remove(key: 4), "never stored")
        #expect(index.count == 100)
        for key in keys.enumerated().filter({ $0.offset % 2 == 1 }).map(\.element) {
            #expect(index.contains(key: key))
            #expect(index.vector(for: key) == reference.stored(reference.vectors[key]!))
        }
        for _ in 0..<5 {
            let query = randomVector(dimension: 9, using: &generator)
            let everything = index.search(query: query, k: 500, filter: nil)
            #expect(everything.count == 100)
            #expect(Set(everything.map(\.key)) == Set(reference.vectors.keys))
            expectSameSearch(index, reference, query: query, k: 7)
        }
        for key in reference.vectors.keys { index.remove(key: key) }
        #expect(index.count == 0)
        #expect(index.search(query: randomVector(dimension: 9, using: &generator), k: 3, filter: nil).isEmpty)
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

    @Test("an empty index answers nothing", arguments: DistanceMetric.allCases)
    func empty(metric: DistanceMetric) {
        let index = BruteForceIndex(dimension: 4, metric: metric)
        #expect(index.count == 0)
        #expect(index.dimension == 4)
        #expect(index.metric == metric)
        #expect(index.search(query: [1, 2, 3, 4], k: 10, filter: nil).isEmpty)
        #expect(index.search(query: [1, 2, 3, 4], k: 10, filter: { _ in true }).isEmpty)
        #expect(index.vector(for: 1) == nil)
        #expect(!index.contains(key: 1))
        #expect(!index.remove(key: 1))
    }

    @Test("cosine stores unit vectors and scores by cosine similarity; equal vectors tie by key")
    func cosineSpecifics() {
        let index = BruteForceIndex(dimension: 2, metric: .cosine)
        index.add(key: 9, vector: [3, 4])
        index.add(key: 2, vector: [6, 8])
        index.add(key: 5, vector: [-4, 3])
        #expect(index.vector(for: 9) == [0.6, 0.8])
        let result = index.search(query: [30, 40], k: 3, filter: nil)
        #expect(result.map(\.key) == [2, 9, 5])
        #expect(abs(result[0].score - 1) <= 1e-6 && result[0].score == result[1].score)
        #expect(abs(result[2].score) <= 1e-6)
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

    @Test("concurrent searches agree with a serial search")
    func concurrentSearches() async {
        var generator = SeededGenerator(seed: 26)
        let (index, _) = makeIndexPair(metric: .l2, dimension: 32, n: 2000, using: &generator)
        let queries = randomVectors(count: 16, dimension: 32, using: &generator)
        let serial = queries.map { index.search(query: $0, k: 10, filter: nil) }
        let shared = SharedIndex(index: index)
        let parallel = await withTaskGroup(of: (Int, [Neighbor]).self) { group in
            for (position, query) in queries.enumerated() {
                group.addTask { (position, shared.index.search(query: query, k: 10, filter: nil)) }
            }
            var results = [[Neighbor]](repeating: [], count: queries.count)
            for await (position, result) in group { results[position] = result }
            return results
        }
        #expect(parallel == serial)
    }
}

/// Hands an index to concurrent readers; sound here because no mutation runs meanwhile
/// (the contract of ``VectorIndex``).
final class SharedIndex: @unchecked Sendable {
    let index: BruteForceIndex
    init(index: BruteForceIndex) { self.index = index }
}
