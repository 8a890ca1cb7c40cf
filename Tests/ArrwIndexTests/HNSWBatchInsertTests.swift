import ArrwIndex
import ArrwTestSupport
import Dispatch
import Testing

/// `HNSWIndex.addBatch`: the same graph whatever the threads and their order, and a graph as
/// good as inserting one by one.
@Suite struct HNSWBatchInsertTests {
    /// Every iteration on this thread, first to last.
    static let inOrder: HNSWIndex.ConcurrentLoop = { iterations, body in for i in 0..<iterations { body(i) } }
    /// Every iteration on this thread, last to first: a schedule no real pool would pick.
    static let reversed: HNSWIndex.ConcurrentLoop = { iterations, body in for i in (0..<iterations).reversed() { body(i) } }
    /// Dispatch's threads.
    static let dispatch: HNSWIndex.ConcurrentLoop = { iterations, body in DispatchQueue.concurrentPerform(iterations: iterations, execute: body) }

    func build(_ dataset: TexmexDataset, rows: Int, metric: DistanceMetric, loop: HNSWIndex.ConcurrentLoop?) -> HNSWIndex {
        let index = HNSWIndex(dimension: dataset.dimension, metric: metric, m: 16, efConstruction: 100)
        let keys = (0..<rows).map(UInt64.init)
        let vectors = (0..<rows).map(dataset.baseVector)
        if let loop {
            index.addBatch(keys: keys, vectors: vectors, concurrently: loop)
        } else {
            for (key, vector) in zip(keys, vectors) { index.add(key: key, vector: vector) }
        }
        return index
    }

    func recall(_ index: HNSWIndex, _ dataset: TexmexDataset, metric: DistanceMetric, ef: Int) -> Double {
        let queries = 200
        var total = 0.0
        for q in 0..<queries {
            let results = index.search(query: dataset.query(q), k: 10, filter: nil, options: SearchOptions(efSearch: ef))
            total += dataset.recall(query: q, k: 10, returnedDistances: results.map { metric.apiDistance(fromScore: $0.score) })
        }
        return total / Double(queries)
    }

    @Test("the graph is byte for byte the same in order, in reverse and on Dispatch's threads")
    func independentOfThreads() throws {
        let dataset = try TexmexDataset.required("scifact-minilm", groundTruth: "angular")
        let encodings = [Self.inOrder, Self.reversed, Self.dispatch].map { loop in
            IndexCodec.encode(build(dataset, rows: 2_000, metric: .cosine, loop: loop))
        }
        #expect(encodings[0] == encodings[1] && encodings[0] == encodings[2])
        let index = build(dataset, rows: 2_000, metric: .cosine, loop: Self.dispatch)
        #expect(index.count == 2_000 && (0..<2_000).allSatisfy { index.contains(key: UInt64($0)) })
    }

    @Test("recall@10 within 0.005 of one-by-one insertion", arguments: [("scifact-minilm", "angular"), ("mnist-5k", "euclidean")])
    func recallMatchesSerial(name: String, groundTruth: String) throws {
        let dataset = try TexmexDataset.required(name, groundTruth: groundTruth)
        let metric: DistanceMetric = groundTruth == "angular" ? .cosine : .l2
        let serial = build(dataset, rows: dataset.baseCount, metric: metric, loop: nil)
        let batched = build(dataset, rows: dataset.baseCount, metric: metric, loop: Self.dispatch)
        for ef in [16, 32, 64] {
            let (a, b) = (recall(serial, dataset, metric: metric, ef: ef), recall(batched, dataset, metric: metric, ef: ef))
            #expect(b >= a - 0.005, "\(name) ef \(ef): batched \(b) vs one by one \(a)")
        }
    }
}
