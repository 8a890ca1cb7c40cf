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

/// The three phases of a batch insertion one at a time, as the engine's builder runs them:
/// searches between them, removals between them, and a batch whose graph was emptied meanwhile.
@Suite struct HNSWBatchPhaseTests {
    static let dimension = 12

    func filled(_ count: Int, seed: UInt64 = 5) -> (HNSWIndex, [[Float]]) {
        var generator = SeededGenerator(seed: seed)
        let vectors = randomVectors(count: count, dimension: Self.dimension, using: &generator)
        let index = HNSWIndex(dimension: Self.dimension, metric: .l2, m: 8, efConstruction: 40)
        for (key, vector) in vectors.enumerated() { index.add(key: UInt64(key), vector: vector) }
        return (index, vectors)
    }

    /// `count` new keys from `firstKey` with seeded vectors (l2: raw and stored form agree),
    /// begun as one batch on `index`.
    func begin(_ count: Int, keysFrom firstKey: UInt64, seed: UInt64, on index: HNSWIndex) throws -> (keys: [UInt64], vectors: [[Float]], batch: HNSWBatch) {
        var generator = SeededGenerator(seed: seed)
        let vectors = randomVectors(count: count, dimension: Self.dimension, using: &generator)
        let keys = (firstKey..<firstKey + UInt64(count)).map { $0 }
        #expect(index.batchCapacity(available: count) == count)
        let batch = try #require(index.beginBatch(keys: keys[...], storedVectors: vectors[...]))
        #expect(batch.keys == keys)
        return (keys, vectors, batch)
    }

    @Test("a batch's nodes are stored but unreachable until linked; searches between the phases see the old graph whole")
    func searchesBetweenPhases() throws {
        let (index, vectors) = filled(400)
        let (keys, batchVectors, batch) = try begin(100, keysFrom: 1000, seed: 6, on: index)
        #expect(index.count == 500 && keys.allSatisfy(index.contains(key:)))
        for probe in stride(from: 0, to: 400, by: 40) {
            #expect(index.search(query: vectors[probe], k: 1, filter: nil).first?.key == UInt64(probe), "the old graph still answers")
        }
        index.chooseLinks(for: batch, concurrently: HNSWBatchInsertTests.inOrder)
        index.finishBatch(batch, concurrently: HNSWBatchInsertTests.inOrder)
        for (offset, vector) in batchVectors.enumerated() {
            #expect(index.search(query: vector, k: 1, filter: nil).first?.key == keys[offset], "linked nodes are found")
        }
    }

    @Test("removing a batch node and an old node between the phases leaves neither found and the rest whole")
    func removalsBetweenPhases() throws {
        let (index, vectors) = filled(400)
        let (_, batchVectors, batch) = try begin(64, keysFrom: 2000, seed: 7, on: index)
        #expect(index.remove(key: 2010) && index.remove(key: 17))
        index.chooseLinks(for: batch, concurrently: HNSWBatchInsertTests.reversed)
        #expect(index.remove(key: 2020))
        index.finishBatch(batch, concurrently: HNSWBatchInsertTests.reversed)
        #expect(index.count == 400 + 64 - 3)
        #expect(index.search(query: batchVectors[10], k: 5, filter: nil).allSatisfy { $0.key != 2010 })
        #expect(index.search(query: batchVectors[20], k: 5, filter: nil).allSatisfy { $0.key != 2020 })
        #expect(index.search(query: vectors[17], k: 5, filter: nil).allSatisfy { $0.key != 17 })
        #expect(index.search(query: batchVectors[30], k: 1, filter: nil).first?.key == 2030)
    }

    @Test("a batch whose graph was emptied between the phases is dropped, and the index stays usable")
    func emptiedGraphDropsTheBatch() throws {
        let (index, _) = filled(100)
        let (keys, batchVectors, batch) = try begin(50, keysFrom: 3000, seed: 8, on: index)
        for key in (0..<100).map(UInt64.init) + keys { index.remove(key: key) }
        #expect(index.count == 0)
        index.chooseLinks(for: batch, concurrently: HNSWBatchInsertTests.inOrder)
        index.finishBatch(batch, concurrently: HNSWBatchInsertTests.inOrder)
        #expect(index.count == 0 && index.search(query: batchVectors[0], k: 3, filter: nil).isEmpty)
        index.add(key: 1, vector: batchVectors[0])
        #expect(index.search(query: batchVectors[0], k: 1, filter: nil).first?.key == 1)
    }

    @Test("vectors given in stored form are kept bit for bit")
    func storedFormIsKept() throws {
        let index = HNSWIndex(dimension: 3, metric: .cosine)
        let stored: [Float] = [0.6000001, 0.79999995, 0]
        index.add(key: 9, storedVector: stored)
        #expect(index.vector(for: 9) == stored)
        let brute = BruteForceIndex(dimension: 3, metric: .cosine)
        brute.add(key: 9, storedVector: stored)
        #expect(brute.vector(for: 9) == stored)
    }
}
