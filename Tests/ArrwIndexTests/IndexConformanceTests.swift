import ArrwIndex
import ArrwTestSupport
import Testing

/// One index type as the conformance suite sees it: how to make one, and the recall@10 it
/// must reach at its defaults (1 for the exact ones).
struct IndexKind: Sendable, CustomStringConvertible {
    let description: String
    let minimumRecall: Double
    let make: @Sendable (Int, DistanceMetric) -> any VectorIndex

    static let all: [IndexKind] = [
        IndexKind(description: "brute_force", minimumRecall: 1) { BruteForceIndex(dimension: $0, metric: $1) },
        IndexKind(description: "kd_tree", minimumRecall: 1) { KDTreeIndex(dimension: $0, metric: $1) },
        IndexKind(description: "lsh", minimumRecall: 0.80) { LSHIndex(dimension: $0, metric: $1) },
        IndexKind(description: "hnsw", minimumRecall: 0.95) { HNSWIndex(dimension: $0, metric: $1) },
        IndexKind(description: "ivf", minimumRecall: 0.90) { IVFIndex(dimension: $0, metric: $1) },
    ]
}

/// The suite every `VectorIndex` passes, written once against the protocol (ARCHITECTURE.md) and
/// run over all five types at their defaults. Index-specific behaviour (exactness against a
/// reference, tree and bucket maintenance, training, payload fields) stays in each index's tests.
@Suite struct IndexConformanceTests {
    /// An index of `kind` holding `count` seeded random vectors under keys `0..<count`, and the vectors.
    func filled(_ kind: IndexKind, metric: DistanceMetric, count: Int = 600, dimension: Int = 16,
                seed: UInt64 = 21) -> (any VectorIndex, [[Float]]) {
        var generator = SeededGenerator(seed: seed)
        let vectors = randomVectors(count: count, dimension: dimension, using: &generator)
        let index = kind.make(dimension, metric)
        for (key, vector) in vectors.enumerated() { index.add(key: UInt64(key), vector: vector) }
        return (index, vectors)
    }

    /// `vector` as every index stores it: unit length for cosine.
    func storedForm(_ vector: [Float], metric: DistanceMetric) -> [Float] {
        var stored = vector
        if metric == .cosine { DistanceKernels.normalize(&stored) }
        return stored
    }

    @Test("an empty index answers nothing", arguments: IndexKind.all, DistanceMetric.allCases)
    func emptyIndex(kind: IndexKind, metric: DistanceMetric) {
        let index = kind.make(4, metric)
        #expect(index.count == 0 && index.dimension == 4 && index.metric == metric)
        #expect(index.search(query: [1, 2, 3, 4], k: 10, filter: nil).isEmpty)
        #expect(index.search(query: [1, 2, 3, 4], k: 10, filter: { _ in true }).isEmpty)
        #expect(index.vector(for: 1) == nil && !index.contains(key: 1) && !index.remove(key: 1))
    }

    @Test("add replaces, remove forgets, removing everything empties the index",
          arguments: IndexKind.all, DistanceMetric.allCases)
    func addReplacesRemoveForgets(kind: IndexKind, metric: DistanceMetric) {
        let (index, vectors) = filled(kind, metric: metric)
        #expect(index.count == vectors.count && index.contains(key: 7))
        #expect(index.vector(for: 7) == storedForm(vectors[7], metric: metric))
        index.add(key: 7, vector: vectors[8])
        #expect(index.count == vectors.count, "adding an existing key replaces it")
        #expect(index.vector(for: 7) == storedForm(vectors[8], metric: metric), "the old vector is gone")
        if metric != .dot {
            #expect(Set(index.search(query: vectors[8], k: 2, filter: nil).map(\.key)) == [7, 8])
        }
        for key in 0..<UInt64(200) { #expect(index.remove(key: key)) }
        #expect(!index.remove(key: 3), "removing twice reports absence")
        #expect(!index.remove(key: 10_000), "never stored")
        #expect(index.count == vectors.count - 200)
        #expect(index.vector(for: 3) == nil && !index.contains(key: 3) && index.contains(key: 200))
        let kept = (200..<vectors.count).filter { index.vector(for: UInt64($0)) != storedForm(vectors[$0], metric: metric) }
        #expect(kept.isEmpty, "keys whose vector moved or changed: \(kept.prefix(5))")
        for query in vectors.prefix(20) {
            let found = index.search(query: query, k: 10, filter: nil)
            #expect(found.count == 10 && found.allSatisfy { $0.key >= 200 })
        }
        #expect(index.memoryBytes > 0)
        for key in 200..<UInt64(vectors.count) { index.remove(key: key) }
        #expect(index.count == 0)
        #expect(index.search(query: vectors[0], k: 3, filter: nil).isEmpty)
        index.add(key: 9, vector: vectors[9])
        #expect(index.search(query: vectors[9], k: 3, filter: nil).map(\.key) == [9])
    }

    @Test("cosine stores unit vectors and scores by cosine similarity; equal vectors tie by key",
          arguments: IndexKind.all)
    func cosineStoresUnitVectors(kind: IndexKind) {
        let index = kind.make(2, .cosine)
        index.add(key: 9, vector: [3, 4])
        index.add(key: 2, vector: [6, 8])
        index.add(key: 5, vector: [-4, 3])
        index.add(key: 1, vector: [0, -2])
        #expect(index.vector(for: 9) == [0.6, 0.8] && index.vector(for: 1) == [0, -1])
        let result = index.search(query: [30, 40], k: 4, filter: nil)
        #expect(result.map(\.key) == [2, 9, 5, 1])
        guard result.count == 4 else { return }
        #expect(abs(result[0].score - 1) <= 1e-6 && result[0].score == result[1].score)
        #expect(abs(result[2].score) <= 1e-6 && abs(result[3].score + 0.8) <= 1e-6)
    }

    @Test("filters return exactly k when at least k keys pass, else every match",
          arguments: IndexKind.all, DistanceMetric.allCases)
    func filtersReturnMinOfKAndMatching(kind: IndexKind, metric: DistanceMetric) {
        let (index, vectors) = filled(kind, metric: metric)
        let rare = Set(stride(from: UInt64(0), to: UInt64(vectors.count), by: 97))
        for query in vectors.suffix(10) {
            let everyThird = index.search(query: query, k: 10, filter: { $0 % 3 == 0 })
            #expect(everyThird.count == 10 && everyThird.allSatisfy { $0.key % 3 == 0 })
            #expect(Set(index.search(query: query, k: 10, filter: { $0 < 4 }).map(\.key)) == [0, 1, 2, 3])
            #expect(Set(index.search(query: query, k: 10, filter: { rare.contains($0) }).map(\.key)) == rare)
            #expect(index.search(query: query, k: 5, filter: { $0 == 77 }).map(\.key) == [77])
            #expect(index.search(query: query, k: 5, filter: { _ in false }).isEmpty)
        }
        #expect(index.search(query: vectors[0], k: 1000, filter: nil).count == vectors.count, "k beyond n returns every key")
    }

    @Test(arguments: IndexKind.all)
    func recallOnSciFactMiniLM(kind: IndexKind) throws {
        let dataset = try TexmexDataset.required("scifact-minilm", groundTruth: "angular")
        let index = kind.make(dataset.dimension, .cosine)
        for row in 0..<dataset.baseCount { index.add(key: UInt64(row), vector: dataset.baseVector(row)) }
        let queries = Array(stride(from: 0, to: dataset.queryCount, by: 3))
        let recall = queries.reduce(0.0) { total, q in
            let found = index.search(query: dataset.query(q), k: 10, filter: nil)
            return total + dataset.recall(query: q, k: 10, returnedDistances: found.map { Double(DistanceMetric.cosine.apiDistance(fromScore: $0.score)) })
        } / Double(queries.count)
        #expect(recall >= kind.minimumRecall, "\(kind) recall@10 \(recall)")
    }
}
