import ArrwIndex
import ArrwTestSupport
import Foundation
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

/// The suite every `VectorIndex` passes, written once against the protocol (ARCHITECTURE.md).
@Suite struct IndexConformanceTests {
    private func filled(_ kind: IndexKind, count: Int = 600, dimension: Int = 16, metric: DistanceMetric = .l2) -> (any VectorIndex, [[Float]]) {
        var generator = SeededGenerator(seed: 21)
        let vectors = randomVectors(count: count, dimension: dimension, using: &generator)
        let index = kind.make(dimension, metric)
        for (key, vector) in vectors.enumerated() { index.add(key: UInt64(key), vector: vector) }
        return (index, vectors)
    }

    @Test(arguments: IndexKind.all)
    func addReplaceRemoveAndRead(kind: IndexKind) {
        let (index, vectors) = filled(kind, metric: .cosine)
        #expect(index.count == vectors.count)
        #expect(index.contains(key: 7))
        let stored = index.vector(for: 7)
        #expect(stored.map { abs($0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5 } == true, "cosine vectors are stored unit length")
        index.add(key: 7, vector: vectors[8])
        #expect(index.count == vectors.count, "adding an existing key replaces it")
        #expect(index.search(query: vectors[8], k: 2, filter: nil).map(\.key).contains(7))
        for key in 0..<200 { #expect(index.remove(key: UInt64(key))) }
        #expect(!index.remove(key: 3))
        #expect(index.count == vectors.count - 200)
        #expect(index.vector(for: 3) == nil)
        for query in vectors.prefix(20) {
            #expect(index.search(query: query, k: 10, filter: nil).allSatisfy { $0.key >= 200 })
        }
        #expect(index.memoryBytes > 0)
    }

    @Test(arguments: IndexKind.all)
    func filtersReturnExactlyKWhenKPass(kind: IndexKind) {
        let (index, vectors) = filled(kind)
        for query in vectors.suffix(10) {
            let everyThird = index.search(query: query, k: 10, filter: { $0 % 3 == 0 })
            #expect(everyThird.count == 10)
            #expect(everyThird.allSatisfy { $0.key % 3 == 0 })
            let few = index.search(query: query, k: 10, filter: { $0 < 4 })
            #expect(Set(few.map(\.key)) == [0, 1, 2, 3])
        }
    }

    @Test(arguments: IndexKind.all)
    func serializationRoundTripAnswersIdentically(kind: IndexKind) throws {
        let (index, vectors) = filled(kind)
        index.remove(key: 5)
        let bytes = try IndexCodec.encode(any: index)
        let decoded = try IndexCodec.decode(bytes)
        #expect(type(of: decoded) == type(of: index))
        #expect(decoded.count == index.count)
        #expect(!decoded.contains(key: 5))
        for query in vectors.prefix(15) {
            #expect(decoded.search(query: query, k: 10, filter: nil) == index.search(query: query, k: 10, filter: nil))
        }
        var damaged = bytes
        damaged[damaged.count / 3] ^= 0x10
        #expect(throws: IndexFormatError.self) { try IndexCodec.decode(damaged) }
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

    @Test(arguments: IndexKind.all)
    func concurrentSearchesDuringInserts(kind: IndexKind) async {
        let (index, vectors) = filled(kind, count: 300)
        let guarded = Guarded(index)
        var generator = SeededGenerator(seed: 99)
        let extra = randomVectors(count: 300, dimension: 16, using: &generator)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for (offset, vector) in extra.enumerated() {
                    guarded.write { $0.add(key: UInt64(1000 + offset), vector: vector) }
                }
            }
            for reader in 0..<4 {
                group.addTask {
                    for query in vectors[(reader * 20)..<(reader * 20 + 20)] {
                        let found = guarded.read { $0.search(query: query, k: 5, filter: nil) }
                        #expect(found.count == 5)
                        #expect(Set(found.map(\.key)).count == found.count)
                    }
                }
            }
        }
        #expect(guarded.read { $0.count } == 600)
    }
}

/// Serializes access to an index the way the engine's lock does (here one lock for both).
private final class Guarded: @unchecked Sendable {
    private let lock = NSLock()
    private let index: any VectorIndex

    init(_ index: any VectorIndex) {
        self.index = index
    }

    func read<R>(_ body: (any VectorIndex) -> R) -> R { lock.withLock { body(index) } }
    func write(_ body: (any VectorIndex) -> Void) { lock.withLock { body(index) } }
}
