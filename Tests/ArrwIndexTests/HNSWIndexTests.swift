import ArrwIndex
import ArrwTestSupport
import Foundation
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

    @Test("a filter returns exactly min(k, matching) results, all matching", arguments: [DistanceMetric.cosine, .l2, .dot])
    func filters(metric: DistanceMetric) {
        let vectors = hnswData(n: 1000, dimension: 8, seed: 3)
        let (index, exact) = hnswPair(vectors, metric: metric, efConstruction: 64)
        let query = hnswData(n: 1, dimension: 8, seed: 4)[0]
        for modulus: UInt64 in [2, 7, 97, 400] {
            let filter: (UInt64) -> Bool = { $0 % modulus == 1 }
            let matching = (0..<UInt64(1000)).filter(filter).count
            let found = index.search(query: query, k: 10, filter: filter)
            #expect(found.count == min(10, matching), "modulus \(modulus)")
            #expect(found.allSatisfy { filter($0.key) })
            let truth = exact.search(query: query, k: 10, filter: filter).map(\.key)
            #expect(Set(found.map(\.key)).intersection(truth).count >= min(10, matching) - 1, "modulus \(modulus)")
        }
        #expect(index.search(query: query, k: 5, filter: { _ in false }).isEmpty)
        #expect(index.search(query: query, k: 5, filter: { $0 == 777 }).map(\.key) == [777])
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

    @Test("adding a stored key replaces its vector; removing everything empties the index")
    func replaceAndEmpty() {
        let vectors = hnswData(n: 300, dimension: 6, seed: 10)
        let (index, _) = hnswPair(vectors, metric: .cosine, efConstruction: 32)
        index.add(key: 5, vector: vectors[200])
        #expect(index.count == 300)
        var stored = vectors[200]
        DistanceKernels.normalize(&stored)
        #expect(index.vector(for: 5) == stored)
        let top = index.search(query: vectors[200], k: 2, filter: nil).map(\.key)
        #expect(Set(top) == [5, 200])
        for key in 0..<UInt64(300) { index.remove(key: key) }
        #expect(index.count == 0)
        #expect(index.search(query: vectors[0], k: 3, filter: nil).isEmpty)
        index.add(key: 9, vector: vectors[9])
        #expect(index.search(query: vectors[9], k: 3, filter: nil).map(\.key) == [9])
    }

    @Test("serialization round trip answers identically; damaged bytes throw", arguments: [DistanceMetric.cosine, .l2])
    func serialization(metric: DistanceMetric) throws {
        let vectors = hnswData(n: 600, dimension: 8, seed: 11)
        let (index, _) = hnswPair(vectors, metric: metric, efConstruction: 48)
        for key in stride(from: UInt64(0), to: 600, by: 9) { index.remove(key: key) }
        let bytes = IndexCodec.encode(index)
        let loaded = try #require(try IndexCodec.decode(bytes) as? HNSWIndex)
        #expect(loaded.count == index.count && loaded.m == index.m && loaded.efSearch == index.efSearch)
        for query in hnswData(n: 20, dimension: 8, seed: 12) {
            #expect(loaded.search(query: query, k: 10, filter: nil) == index.search(query: query, k: 10, filter: nil))
        }
        loaded.add(key: 10_000, vector: vectors[1])
        index.add(key: 10_000, vector: vectors[1])
        #expect(IndexCodec.encode(loaded) == IndexCodec.encode(index), "the level generator state survives")

        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(throws: IndexFormatError.self) { try IndexCodec.decode(flipped) }
        #expect(throws: IndexFormatError.self) { try IndexCodec.decode(Array(bytes.dropLast(7))) }

        // Past the checksum: damaged payloads throw or load a consistent index, never trap.
        var writer = ByteWriter()
        index.writePayload(to: &writer)
        let payload = writer.bytes
        for cut in [0, 5, 30, payload.count / 3, payload.count - 1] {
            var reader = ByteReader(Array(payload.prefix(cut)))
            #expect(throws: IndexFormatError.self) { try HNSWIndex.readPayload(from: &reader) }
        }
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<300 {
            var damaged = payload
            damaged[Int.random(in: 0..<damaged.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            var reader = ByteReader(damaged)
            if let survivor = try? HNSWIndex.readPayload(from: &reader) {
                _ = survivor.search(query: vectors[0], k: 5, filter: nil)
            }
        }
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

    @Test("concurrent searches give the same results as serial ones")
    func concurrentSearches() async {
        let vectors = hnswData(n: 1000, dimension: 16, seed: 16)
        let (index, _) = hnswPair(vectors, metric: .cosine, efConstruction: 48)
        index.remove(key: 3)
        let queries = hnswData(n: 24, dimension: 16, seed: 17)
        let serial = queries.map { index.search(query: $0, k: 10, filter: nil) }
        let filtered = queries.map { index.search(query: $0, k: 10, filter: { $0 % 3 == 0 }) }
        let shared = SharedHNSWIndex(index: index)
        let parallel = await withTaskGroup(of: (Int, [Neighbor], [Neighbor]).self) { group in
            for (position, query) in queries.enumerated() {
                group.addTask {
                    (position, shared.index.search(query: query, k: 10, filter: nil),
                     shared.index.search(query: query, k: 10, filter: { $0 % 3 == 0 }))
                }
            }
            var results = [([Neighbor], [Neighbor])](repeating: ([], []), count: queries.count)
            for await (position, plain, kept) in group { results[position] = (plain, kept) }
            return results
        }
        #expect(parallel.map(\.0) == serial)
        #expect(parallel.map(\.1) == filtered)
    }
}

/// Hands an index to concurrent readers; sound because no mutation runs meanwhile (the contract
/// of ``VectorIndex``).
private final class SharedHNSWIndex: @unchecked Sendable {
    let index: HNSWIndex
    init(index: HNSWIndex) { self.index = index }
}
