import ArrwIndex
import ArrwTestSupport
import Testing

/// `n` seeded random vectors under keys `0..<n` (uniform in -1...1 per component).
private func hnswData(n: Int, dimension: Int, seed: UInt64) -> [[Float]] {
    var generator = SeededGenerator(seed: seed)
    return randomVectors(count: n, dimension: dimension, using: &generator)
}

/// An HNSW index and a brute-force index over the same vectors (key = position).
private func hnswPair(_ vectors: [[Float]], metric: DistanceMetric, m: Int = 16, efConstruction: Int = 200)
    -> (HNSWIndex, BruteForceIndex) {
    let dimension = vectors[0].count
    let index = HNSWIndex(dimension: dimension, metric: metric, m: m, efConstruction: efConstruction)
    let exact = BruteForceIndex(dimension: dimension, metric: metric)
    for (key, vector) in vectors.enumerated() {
        index.add(key: UInt64(key), vector: vector)
        exact.add(key: UInt64(key), vector: vector)
    }
    return (index, exact)
}

/// Mean recall@k of `index` against the exact answers of `exact` (ids compared as sets).
private func recall(_ index: HNSWIndex, _ exact: BruteForceIndex, queries: [[Float]], k: Int = 10,
                    options: SearchOptions = SearchOptions()) -> Double {
    var hits = 0
    for query in queries {
        let truth = Set(exact.search(query: query, k: k, filter: nil).map(\.key))
        hits += index.search(query: query, k: k, filter: nil, options: options).filter { truth.contains($0.key) }.count
    }
    return Double(hits) / Double(queries.count * k)
}

@Suite("HNSWIndex")
struct HNSWIndexTests {
    @Test("recall@10 ≥ 0.95 at the defaults on seeded random data", arguments: [DistanceMetric.cosine, .l2])
    func randomRecall(metric: DistanceMetric) {
        // Sized for debug builds (a few seconds for the whole suite); release runs the full dataset below.
        let vectors = hnswData(n: 1000, dimension: 16, seed: 1)
        let (index, exact) = hnswPair(vectors, metric: metric)
        let queries = hnswData(n: 40, dimension: 16, seed: 2)
        #expect(index.count == 1000)
        let r = recall(index, exact, queries: queries)
        #expect(r >= 0.95, "recall@10 = \(r)")
        let results = index.search(query: queries[0], k: 10, filter: nil)
        #expect(results.count == 10)
        #expect(zip(results, results.dropFirst()).allSatisfy { $0.ranksBefore($1) }, "nearest first")
    }

    @Test("recall@10 ≥ 0.95 at the defaults on a scifact-minilm prefix (cosine, brute-force truth)")
    func scifactPrefixRecall() throws {
        let dataset = try TexmexDataset.required("scifact-minilm", groundTruth: "angular")
        // Debug builds insert a few hundred 384-float vectors per second: index a prefix here; the
        // whole base, scored by the dataset's own ground truth, runs in release builds (below).
        let vectors = (0..<400).map { dataset.baseVector($0) }
        let (index, exact) = hnswPair(vectors, metric: .cosine)
        let r = recall(index, exact, queries: (0..<25).map { dataset.query($0) })
        #expect(r >= 0.95, "recall@10 = \(r)")
    }

    @Test("filtered searches find nearly all of the true filtered neighbours", arguments: [DistanceMetric.cosine, .l2, .dot])
    func filters(metric: DistanceMetric) {
        let vectors = hnswData(n: 1000, dimension: 8, seed: 3)
        let (index, exact) = hnswPair(vectors, metric: metric, efConstruction: 64)
        let query = hnswData(n: 1, dimension: 8, seed: 4)[0]
        for modulus: UInt64 in [2, 7, 97, 400] {
            let filter: (UInt64) -> Bool = { $0 % modulus == 1 }
            let matching = (0..<UInt64(1000)).filter(filter).count
            let found = index.search(query: query, k: 10, filter: filter)
            let truth = exact.search(query: query, k: 10, filter: filter).map(\.key)
            #expect(Set(found.map(\.key)).intersection(truth).count >= min(10, matching) - 1, "modulus \(modulus)")
        }
    }

    @Test("after removing 30%, recall stays ≥ 0.95 and removed keys never appear", arguments: [DistanceMetric.cosine, .l2])
    func removals(metric: DistanceMetric) {
        let vectors = hnswData(n: 1000, dimension: 12, seed: 5)
        let (index, exact) = hnswPair(vectors, metric: metric, efConstruction: 100)
        var generator = SeededGenerator(seed: 6)
        let removed = Set((0..<UInt64(1000)).shuffled(using: &generator).prefix(300))
        for key in removed {
            #expect(index.remove(key: key))
            exact.remove(key: key)
        }
        #expect(!index.remove(key: removed.first!), "a second removal finds nothing")
        #expect(index.count == 700)
        let queries = hnswData(n: 40, dimension: 12, seed: 7) + removed.prefix(10).map { vectors[Int($0)] }
        let r = recall(index, exact, queries: queries)
        #expect(r >= 0.95, "recall@10 = \(r)")
        for query in queries {
            #expect(index.search(query: query, k: 20, filter: nil).allSatisfy { !removed.contains($0.key) })
        }
        for key in removed.prefix(20) {
            #expect(!index.contains(key: key))
            #expect(index.vector(for: key) == nil)
        }
    }

    @Test("optimize drops tombstones, gives memory back and keeps recall")
    func optimize() {
        let vectors = hnswData(n: 800, dimension: 12, seed: 8)
        let (index, exact) = hnswPair(vectors, metric: .l2, efConstruction: 100)
        for key in stride(from: UInt64(0), to: 800, by: 2) {
            index.remove(key: key)
            exact.remove(key: key)
        }
        let before = index.memoryBytes
        index.optimize()
        #expect(index.memoryBytes < before, "\(index.memoryBytes) vs \(before)")
        #expect(index.count == 400)
        let queries = hnswData(n: 40, dimension: 12, seed: 9)
        let r = recall(index, exact, queries: queries)
        #expect(r >= 0.95, "recall@10 = \(r)")
        #expect(index.vector(for: 1) == vectors[1])
        #expect(index.vector(for: 0) == nil)
        index.add(key: 0, vector: vectors[0])
        #expect(index.search(query: vectors[0], k: 1, filter: nil).first?.key == 0)
    }

    @Test("the payload keeps m, efConstruction and efSearch")
    func payloadParameters() throws {
        let (index, _) = hnswPair(hnswData(n: 200, dimension: 8, seed: 11), metric: .l2, m: 6, efConstruction: 48)
        index.efSearch = 77
        let loaded = try #require(try IndexCodec.decode(IndexCodec.encode(index)) as? HNSWIndex)
        #expect(loaded.m == 6 && loaded.efConstruction == 48 && loaded.efSearch == 77)
    }

    @Test("per-query efSearch changes results; a wider search does not lose recall")
    func perQueryEf() {
        let vectors = hnswData(n: 2000, dimension: 16, seed: 14)
        let (index, exact) = hnswPair(vectors, metric: .l2, m: 4, efConstruction: 16)
        let queries = hnswData(n: 40, dimension: 16, seed: 15)
        let narrow = recall(index, exact, queries: queries, options: SearchOptions(efSearch: 1))
        let wide = recall(index, exact, queries: queries, options: SearchOptions(efSearch: 200))
        #expect(wide >= narrow)
        #expect(wide > narrow, "ef 1 → \(narrow), ef 200 → \(wide)")
        index.efSearch = 200
        #expect(recall(index, exact, queries: queries) == wide)
    }
}
