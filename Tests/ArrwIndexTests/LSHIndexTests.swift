import ArrwIndex
import ArrwTestSupport
import CArrwKernels
import Testing

@Suite("LSHIndex")
struct LSHIndexTests {
    private func filled(_ vectors: [[Float]], metric: DistanceMetric) -> (LSHIndex, BruteForceIndex) {
        let index = LSHIndex(dimension: vectors[0].count, metric: metric)
        let brute = BruteForceIndex(dimension: vectors[0].count, metric: metric)
        for (i, v) in vectors.enumerated() {
            index.add(key: UInt64(i), vector: v)
            brute.add(key: UInt64(i), vector: v)
        }
        return (index, brute)
    }

    @Test("the documented defaults: 16 tables of 10 bits, 10 probes")
    func defaults() {
        let index = LSHIndex(dimension: 4, metric: .cosine)
        #expect(index.tables == 16 && index.bits == 10 && index.probes == 10 && index.seed == 42)
    }

    @Test("recall@10 ≥ 0.80 at the defaults on seeded random data", arguments: [DistanceMetric.cosine, .l2])
    func recallOnRandomData(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 41)
        let clustered = clusteredVectors(count: 4050, dimension: 32, clusters: 400, spread: 0.4, using: &generator)
        let (index, brute) = filled(Array(clustered.prefix(4000)), metric: metric)
        let clusteredRecall = recallAgainstBruteForce(index, brute, queries: Array(clustered.suffix(50)), k: 10)
        #expect(clusteredRecall >= 0.80, "clustered 32-d: \(clusteredRecall)")
        let uniform = randomVectors(count: 4050, dimension: 16, using: &generator)
        let (uniformIndex, uniformBrute) = filled(Array(uniform.prefix(4000)), metric: metric)
        let uniformRecall = recallAgainstBruteForce(uniformIndex, uniformBrute, queries: Array(uniform.suffix(50)), k: 10)
        #expect(uniformRecall >= 0.80, "uniform 16-d: \(uniformRecall)")
    }

    @Test("recall@10 ≥ 0.80 at the defaults on scifact-minilm (cosine)")
    func recallOnScifact() throws {
        let dataset = try TexmexDataset.required("scifact-minilm", groundTruth: "angular")
        let index = LSHIndex(dimension: dataset.dimension, metric: .cosine)
        for row in 0..<dataset.baseCount { index.add(key: UInt64(row), vector: dataset.baseVector(row)) }
        var total = 0.0
        let queries = 60
        for q in 0..<queries {
            let results = index.search(query: dataset.query(q), k: 10, filter: nil)
            total += dataset.recall(query: q, k: 10, returnedDistances: results.map { DistanceMetric.cosine.apiDistance(fromScore: $0.score) })
        }
        #expect(total / Double(queries) >= 0.80, "scifact recall@10 \(total / Double(queries))")
    }

    @Test("too few candidates (a rare filter, or k near the count) fall back to an exact scan",
          arguments: DistanceMetric.allCases)
    func exactFallback(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 42)
        let (index, brute) = filled(randomVectors(count: 1500, dimension: 12, using: &generator), metric: metric)
        for key in stride(from: UInt64(0), to: 1500, by: 3) {
            index.remove(key: key)
            brute.remove(key: key)
        }
        let rare: (UInt64) -> Bool = { $0 % 500 == 7 }
        for _ in 0..<5 {
            let query = randomVector(dimension: 12, using: &generator)
            #expect(index.search(query: query, k: 10, filter: rare) == brute.search(query: query, k: 10, filter: rare))
            #expect(index.search(query: query, k: 1000, filter: nil) == brute.search(query: query, k: 1000, filter: nil))
        }
    }

    @Test("below the fitting size an l2 index scans exactly; optimize refits", arguments: [DistanceMetric.l2, .cosine])
    func smallAndRefit(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 43)
        let vectors = randomVectors(count: 600, dimension: 8, using: &generator)
        let (index, brute) = filled(Array(vectors.prefix(LSHIndex.widthFitMinimum - 1)), metric: metric)
        for _ in 0..<5 {
            let query = randomVector(dimension: 8, using: &generator)
            if metric == .l2 { #expect(index.search(query: query, k: 5, filter: nil) == brute.search(query: query, k: 5, filter: nil)) }
        }
        for (i, v) in vectors.enumerated().dropFirst(LSHIndex.widthFitMinimum - 1) {
            index.add(key: UInt64(i), vector: v)
            brute.add(key: UInt64(i), vector: v)
        }
        let queries = randomVectors(count: 30, dimension: 8, using: &generator)
        #expect(recallAgainstBruteForce(index, brute, queries: queries, k: 10) >= 0.8)
        index.optimize()
        #expect(recallAgainstBruteForce(index, brute, queries: queries, k: 10) >= 0.8)
    }

    @Test("the payload keeps probes; inconsistent fields behind a valid checksum throw")
    func payloadFields() throws {
        var generator = SeededGenerator(seed: 46)
        let (index, _) = filled(randomVectors(count: 300, dimension: 4, using: &generator), metric: .l2)
        index.probes = 4
        let bytes = IndexCodec.encode(index)
        #expect(try (IndexCodec.decode(bytes) as? LSHIndex)?.probes == 4)
        // Payload: 16 envelope + dim 4 + metric 1 + tables 4 + bits 4 + probes 4 + seed 8 = 41 hashed, 42 width.
        let codesStart = bytes.count - 4 - 300 * 16 * 8
        let changes: [(inout [UInt8]) -> Void] = [
            { $0[21] = 0 },                          // 0 tables
            { $0[25] = 65 },                         // 65 bits
            { $0[41] = 2 },                          // hashed flag 2
            { $0[42] = 0; $0[43] = 0; $0[44] = 0; $0[45] = 0x80 }, // width −0
            { for i in stride(from: codesStart, to: codesStart + 300 * 16 * 8, by: 8) { $0[i] ^= 0x01 } }, // codes do not match
            { $0[codesStart - 4 * 16 * 10 - 1] = 0x7F; $0[codesStart - 4 * 16 * 10 - 2] = 0xC0 }, // a NaN projection
            { $0[codesStart - 1] = 0x3F; $0[codesStart - 2] = 0x80; $0[codesStart - 3] = 0; $0[codesStart - 4] = 0 }, // offset 1.0
        ]
        for change in changes {
            #expect(throws: IndexFormatError.self) { try IndexCodec.decode(resealed(bytes, change)) }
        }
    }
}
