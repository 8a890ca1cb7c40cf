import ArrwIndex
import ArrwTestSupport
import CArrwKernels
import Testing

@Suite("IVFIndex")
struct IVFIndexTests {
    private func filled(_ vectors: [[Float]], metric: DistanceMetric, nlist: Int = 100) -> (IVFIndex, BruteForceIndex) {
        let index = IVFIndex(dimension: vectors[0].count, metric: metric, nlist: nlist)
        let brute = BruteForceIndex(dimension: vectors[0].count, metric: metric)
        for (i, v) in vectors.enumerated() {
            index.add(key: UInt64(i), vector: v)
            brute.add(key: UInt64(i), vector: v)
        }
        return (index, brute)
    }

    @Test("the documented defaults: nlist 100, nprobe 16, training at 4 × nlist")
    func defaults() {
        let index = IVFIndex(dimension: 3, metric: .l2)
        #expect(index.nlist == 100 && index.nprobe == 16 && index.seed == 42 && !index.isTrained)
        #expect(IVFIndex.trainingMultiple == 4 && IVFIndex.samplePerCentroid == 256)
    }

    @Test("recall@10 ≥ 0.90 at the defaults on seeded clustered data", arguments: DistanceMetric.allCases)
    func recallOnRandomData(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 51)
        let vectors = clusteredVectors(count: 4050, dimension: 32, clusters: 400, spread: 0.4, using: &generator)
        let (index, brute) = filled(Array(vectors.prefix(4000)), metric: metric)
        #expect(index.isTrained)
        let recall = recallAgainstBruteForce(index, brute, queries: Array(vectors.suffix(50)), k: 10)
        #expect(recall >= 0.90, "recall@10 \(recall)")
    }

    @Test("scifact-minilm (cosine): recall@10 ≥ 0.80 at nprobe 8, ≥ 0.90 at nprobe 16")
    func recallOnScifact() throws {
        let dataset = try TexmexDataset.required("scifact-minilm", groundTruth: "angular")
        let index = IVFIndex(dimension: dataset.dimension, metric: .cosine)
        for row in 0..<dataset.baseCount { index.add(key: UInt64(row), vector: dataset.baseVector(row)) }
        let queries = 100
        for (nprobe, floor) in [(8, 0.80), (16, 0.90)] {
            var total = 0.0
            for q in 0..<queries {
                let results = index.search(query: dataset.query(q), k: 10, filter: nil, options: SearchOptions(nprobe: nprobe))
                total += dataset.recall(query: q, k: 10, returnedDistances: results.map { DistanceMetric.cosine.apiDistance(fromScore: $0.score) })
            }
            #expect(total / Double(queries) >= floor, "nprobe \(nprobe): recall@10 \(total / Double(queries))")
        }
    }

    @Test("vectors added before training are found, before and after it", arguments: [DistanceMetric.cosine, .l2])
    func untrainedVectors(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 52)
        let vectors = randomVectors(count: 200, dimension: 8, using: &generator)
        let (index, brute) = filled(Array(vectors.prefix(39)), metric: metric, nlist: 10)
        #expect(!index.isTrained)
        for (i, v) in vectors.prefix(39).enumerated() {
            #expect(index.search(query: v, k: 1, filter: nil).first?.key == UInt64(i))
            #expect(index.search(query: v, k: 5, filter: nil) == brute.search(query: v, k: 5, filter: nil))
        }
        index.add(key: 39, vector: vectors[39])
        brute.add(key: 39, vector: vectors[39])
        #expect(index.isTrained)
        for (i, v) in vectors.prefix(40).enumerated() {
            #expect(index.search(query: v, k: 1, filter: nil, options: SearchOptions(nprobe: 1)).first?.key == UInt64(i))
            #expect(index.vector(for: UInt64(i)) == brute.vector(for: UInt64(i)))
        }
        // Retrained at 4 × the last training's count; nothing gets lost on the way.
        for (i, v) in vectors.enumerated().dropFirst(40) { index.add(key: UInt64(i), vector: v) }
        #expect(index.count == 200)
        for (i, v) in vectors.enumerated() {
            #expect(index.search(query: v, k: 1, filter: nil, options: SearchOptions(nprobe: 1)).first?.key == UInt64(i))
        }
    }

    @Test("a rare filter keeps probing until it has k, so it answers exactly; probing every list is exact",
          arguments: DistanceMetric.allCases)
    func probingUntilFound(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 53)
        let (index, brute) = filled(randomVectors(count: 1200, dimension: 12, using: &generator), metric: metric, nlist: 30)
        #expect(index.isTrained)
        let rare: (UInt64) -> Bool = { $0 % 300 == 11 }
        for _ in 0..<5 {
            let query = randomVector(dimension: 12, using: &generator)
            #expect(index.search(query: query, k: 10, filter: rare) == brute.search(query: query, k: 10, filter: rare))
            #expect(index.search(query: query, k: 10, filter: nil, options: SearchOptions(nprobe: 30))
                    == brute.search(query: query, k: 10, filter: nil))
        }
    }

    @Test("optimize retrains, or returns to the flat list below 4 × nlist", arguments: DistanceMetric.allCases)
    func optimize(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 54)
        let (index, brute) = filled(randomVectors(count: 500, dimension: 6, using: &generator), metric: metric, nlist: 20)
        for key in stride(from: UInt64(0), to: 500, by: 2) {
            index.remove(key: key)
            brute.remove(key: key)
        }
        index.optimize()
        #expect(index.isTrained && index.count == 250)
        let query = randomVector(dimension: 6, using: &generator)
        #expect(index.search(query: query, k: 10, filter: nil, options: SearchOptions(nprobe: 20))
                == brute.search(query: query, k: 10, filter: nil))
        for key in stride(from: UInt64(1), to: 500, by: 2) where key > 150 {
            index.remove(key: key)
            brute.remove(key: key)
        }
        index.optimize()
        #expect(!index.isTrained && index.count == 75)
        #expect(index.search(query: query, k: 10, filter: nil) == brute.search(query: query, k: 10, filter: nil))
        for key in 0..<UInt64(500) { #expect(index.vector(for: key) == brute.vector(for: key)) }
    }

    @Test("the payload keeps nlist and nprobe; inconsistent fields behind a valid checksum throw")
    func payloadFields() throws {
        var generator = SeededGenerator(seed: 56)
        let (index, _) = filled(randomVectors(count: 100, dimension: 4, using: &generator), metric: .cosine, nlist: 8)
        index.nprobe = 3
        let bytes = IndexCodec.encode(index)
        let decoded = try #require(try IndexCodec.decode(bytes) as? IVFIndex)
        #expect(decoded.nlist == 8 && decoded.nprobe == 3 && decoded.isTrained)
        // Payload: 16 envelope + dim 4 + metric 1 + nlist 4 + nprobe 4 + seed 8 = 37 trained, 38 trainedCount,
        // 46 centroids (8 × 4 floats), 174 first list's count, 182 its keys.
        let changes: [(inout [UInt8]) -> Void] = [
            { $0[21] = 0 },                          // nlist 0
            { $0[37] = 0 },                          // not trained, yet trainedCount is set
            { $0[38] = 1; $0[39] = 0 },              // trainedCount 1 < 4 × nlist
            { $0[49] = 0x7F; $0[48] = 0xC0 },        // a NaN centroid component
            { $0[174] = 0xFF; $0[175] = 0xFF },      // first list longer than the data
            { $0[$0.count - 1] = 0x40 },             // last vector no longer unit length
        ]
        for change in changes {
            #expect(throws: IndexFormatError.self) { try IndexCodec.decode(resealed(bytes, change)) }
        }
    }
}
