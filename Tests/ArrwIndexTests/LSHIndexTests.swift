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

    @Test("filters return exactly k when at least k keys pass, else every match", arguments: DistanceMetric.allCases)
    func filters(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 42)
        let (index, brute) = filled(randomVectors(count: 1500, dimension: 12, using: &generator), metric: metric)
        for _ in 0..<5 {
            let query = randomVector(dimension: 12, using: &generator)
            let half = index.search(query: query, k: 10, filter: { $0 % 2 == 0 })
            #expect(half.count == 10 && half.allSatisfy { $0.key % 2 == 0 })
            // Too rare for the buckets: the exact fallback answers, exactly.
            let rare: (UInt64) -> Bool = { $0 % 500 == 7 }
            #expect(index.search(query: query, k: 10, filter: rare) == brute.search(query: query, k: 10, filter: rare))
            #expect(index.search(query: query, k: 10, filter: { _ in false }).isEmpty)
            #expect(index.search(query: query, k: 2000, filter: nil).count == 1500)
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

    @Test("add replaces, remove forgets, vectors come back normalized for cosine", arguments: DistanceMetric.allCases)
    func mutations(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 44)
        let (index, brute) = filled(randomVectors(count: 800, dimension: 6, using: &generator), metric: metric)
        let replacement: [Float] = [3, 0, 4, 0, 0, 0]
        index.add(key: 5, vector: replacement)
        brute.add(key: 5, vector: replacement)
        #expect(index.count == 800)
        #expect(index.vector(for: 5) == brute.vector(for: 5))
        if metric == .cosine { #expect(index.vector(for: 5) == [0.6, 0, 0.8, 0, 0, 0]) }
        if metric != .dot { #expect(index.search(query: replacement, k: 1, filter: nil).first?.key == 5) }
        for key in stride(from: UInt64(0), to: 800, by: 3) {
            #expect(index.remove(key: key))
            brute.remove(key: key)
        }
        #expect(!index.remove(key: 0) && !index.contains(key: 3) && index.vector(for: 3) == nil)
        #expect(index.count == brute.count)
        for _ in 0..<10 {
            let query = randomVector(dimension: 6, using: &generator)
            let results = index.search(query: query, k: 10, filter: nil)
            #expect(results.count == 10 && results.allSatisfy { $0.key % 3 != 0 })
            #expect(index.search(query: query, k: 1000, filter: nil) == brute.search(query: query, k: 1000, filter: nil))
        }
        for key in 0..<UInt64(800) where brute.contains(key: key) {
            #expect(index.vector(for: key) == brute.vector(for: key))
        }
    }

    @Test("concurrent searches answer as serial ones", arguments: DistanceMetric.allCases)
    func concurrentSearches(metric: DistanceMetric) async {
        var generator = SeededGenerator(seed: 47)
        let (index, _) = filled(randomVectors(count: 1000, dimension: 8, using: &generator), metric: metric)
        let queries = randomVectors(count: 40, dimension: 8, using: &generator)
        let serial = queries.map { query in index.search(query: query, k: 10, filter: { $0 % 5 != 0 }) }
        #expect(await searchConcurrently(index, queries: queries, k: 10) == serial)
    }

    @Test("serialization round trip answers identically", arguments: DistanceMetric.allCases)
    func roundTrip(metric: DistanceMetric) throws {
        var generator = SeededGenerator(seed: 45)
        for count in [100, 700] {
            let (index, _) = filled(randomVectors(count: count, dimension: 10, using: &generator), metric: metric)
            index.remove(key: 3)
            index.probes = 4
            let decoded = try #require(try IndexCodec.decode(IndexCodec.encode(index)) as? LSHIndex)
            #expect(decoded.count == index.count && decoded.probes == 4 && decoded.bits == index.bits)
            #expect(IndexCodec.encode(decoded) == IndexCodec.encode(index))
            for _ in 0..<10 {
                let query = randomVector(dimension: 10, using: &generator)
                #expect(decoded.search(query: query, k: 10, filter: nil) == index.search(query: query, k: 10, filter: nil))
            }
        }
    }

    @Test("damaged bytes throw, never trap")
    func damagedBytes() throws {
        var generator = SeededGenerator(seed: 46)
        let (index, _) = filled(randomVectors(count: 300, dimension: 4, using: &generator), metric: .l2)
        let bytes = IndexCodec.encode(index)
        #expect(throws: IndexFormatError.truncated) { try IndexCodec.decode(Array(bytes.dropLast(20))) }
        var flipped = bytes
        flipped[bytes.count / 3] ^= 0x01
        #expect(throws: IndexFormatError.checksumMismatch) { try IndexCodec.decode(flipped) }
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
