import ArrwIndex
import ArrwTestSupport
import Testing

/// Needs `../shared/datasets`: without it every test fails with ``MissingDatasetsError``.
@Suite("Exact recall on the shared datasets")
struct DatasetRecallTests {
    /// Indexes the whole base, searches the first `queries` queries and expects recall@10 = 1.
    func expectExactRecall(dataset name: String, groundTruth: String, metric: DistanceMetric, queries: Int) throws {
        let dataset = try TexmexDataset.required(name, groundTruth: groundTruth)
        let index = BruteForceIndex(dimension: dataset.dimension, metric: metric)
        index.reserveCapacity(dataset.baseCount)
        for row in 0..<dataset.baseCount { index.add(key: UInt64(row), vector: dataset.baseVector(row)) }
        #expect(index.count == dataset.baseCount)
        let far = [Double](repeating: 1e30, count: 10)
        #expect(dataset.recall(query: 0, k: 10, returnedDistances: far) == 0, "the scorer counts misses")
        for q in 0..<min(queries, dataset.queryCount) {
            let results = index.search(query: dataset.query(q), k: 10, filter: nil)
            let distances = results.map { metric.apiDistance(fromScore: $0.score) }
            #expect(dataset.recall(query: q, k: 10, returnedDistances: distances) == 1, "query \(q)")
            let trueNearest = UInt64(dataset.groundTruthIDs[q * dataset.groundTruthDepth])
            #expect(results.first?.key == trueNearest, "query \(q)")
        }
    }

    @Test("scifact-minilm, cosine (5,183 × 384)")
    func scifactCosine() throws {
        try expectExactRecall(dataset: "scifact-minilm", groundTruth: "angular", metric: .cosine, queries: 30)
    }

    @Test("mnist-5k, l2 (4,000 × 784)")
    func mnistL2() throws {
        try expectExactRecall(dataset: "mnist-5k", groundTruth: "euclidean", metric: .l2, queries: 30)
    }

    @Test("the fvecs reader gives the documented shapes and first values")
    func readerShapes() throws {
        let root = try requireDatasetsDirectory()
        let glove = try VectorFile.readFvecs(path: root + "/glove-50/query.fvecs")
        #expect(glove.dimension == 50)
        #expect(glove.values.count == 1000 * 50)
        let ids = try VectorFile.readIvecs(path: root + "/glove-50/gt_angular.ivecs")
        #expect(ids.dimension == 100)
        #expect(ids.values.count == 1000 * 100)
        #expect(ids.values.allSatisfy { $0 >= 0 && $0 < 399_000 })
        let scifact = try TexmexDataset.required("scifact-minilm", groundTruth: "angular")
        #expect(scifact.baseCount == 5183 && scifact.queryCount == 300 && scifact.dimension == 384)
        let norm = scifact.baseVector(0).reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5, "MiniLM vectors are unit length")
    }
}
