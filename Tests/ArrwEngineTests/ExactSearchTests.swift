import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// Exact search through the whole engine against a naive scalar reference in Double precision.
@Suite struct ExactSearchTests {
    static let count = 400
    static let dimension = 24

    /// Stores `count` single-chunk documents with seeded random vectors and a `group` (i % 5).
    private func makeLibrary(metric: DistanceMetric) async throws -> (Database, String, [[Float]]) {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "exact-\(metric)", metric: metric.rawValue))
        var generator = SeededGenerator(seed: 42)
        let vectors = randomVectors(count: Self.count, dimension: Self.dimension, using: &generator)
        let drafts = vectors.enumerated().map { index, vector -> Result<DocumentDraft, EngineError> in
            .success(DocumentDraft(
                id: "doc-\(index)", title: "", metadata: ["group": .int(Int64(index % 5))],
                chunks: [.init(text: "", metadata: ["position": .int(Int64(index))], embedding: vector)]))
        }
        let outcome = try await database.addDocuments(libraryId: library.id.uuidString, drafts)
        #expect(outcome.failed == 0)
        return (database, library.id.uuidString, vectors)
    }

    /// The reference ranking: (document id, API distance), nearest first.
    private func reference(_ query: [Float], _ vectors: [[Float]], metric: DistanceMetric, k: Int, allow: (Int) -> Bool) -> [(String, Double)] {
        func dot(_ a: [Float], _ b: [Float]) -> Double { zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let scored = vectors.indices.filter(allow).map { index -> (String, Double) in
            let v = vectors[index]
            let distance: Double
            switch metric {
            case .cosine: distance = 1 - dot(query, v) / (dot(query, query).squareRoot() * dot(v, v).squareRoot())
            case .l2: distance = zip(query, v).reduce(0) { $0 + pow2(Double($1.0) - Double($1.1)) }.squareRoot()
            case .dot: distance = -dot(query, v)
            }
            return ("doc-\(index)", distance)
        }
        return Array(scored.sorted { $0.1 < $1.1 }.prefix(k))
    }

    @Test(arguments: DistanceMetric.allCases)
    func agreesWithTheScalarReference(metric: DistanceMetric) async throws {
        let (database, library, vectors) = try await makeLibrary(metric: metric)
        var generator = SeededGenerator(seed: 7)
        let filters: [(Filter?, (Int) -> Bool)] = [
            (nil, { _ in true }),
            (.field(path: ["group"], .isIn([.int(1), .int(3)])), { $0 % 5 == 1 || $0 % 5 == 3 }),
            (.not(.field(path: ["position"], .lt(.int(350)))), { $0 >= 350 }),
        ]
        for _ in 0..<10 {
            let query = randomVector(dimension: Self.dimension, using: &generator)
            for (filter, allow) in filters {
                let outcome = try await database.search(libraryId: library, SearchQuery(vector: query, k: 15, filter: filter))
                let expected = reference(query, vectors, metric: metric, k: 15, allow: allow)
                #expect(outcome.hits.map(\.documentId) == expected.map(\.0))
                for (hit, want) in zip(outcome.hits, expected) {
                    #expect(abs(hit.distance - want.1) <= 1e-4 * max(1, abs(want.1)))
                    switch metric {
                    case .cosine: #expect(abs(hit.score - (1 - hit.distance)) < 1e-9)
                    case .l2: #expect(abs(hit.score - 1 / (1 + hit.distance)) < 1e-9)
                    case .dot: #expect(abs(hit.score + hit.distance) < 1e-9)
                    }
                }
            }
        }
    }

    @Test func returnsExactlyKWheneverKChunksMatch() async throws {
        let (database, library, _) = try await makeLibrary(metric: .cosine)
        let query = [Float](repeating: 0.5, count: Self.dimension)
        let wide = try await database.search(
            libraryId: library, SearchQuery(vector: query, k: 100, filter: .field(path: ["group"], .eq(.int(2)))))
        #expect(wide.hits.count == 80)
        let narrow = try await database.search(
            libraryId: library, SearchQuery(vector: query, k: 10, filter: .field(path: ["position"], .lt(.int(3)))))
        #expect(narrow.hits.count == 3)
        let exact = try await database.search(
            libraryId: library, SearchQuery(vector: query, k: 7, filter: .field(path: ["group"], .ne(.int(0)))))
        #expect(exact.hits.count == 7)
        #expect(Set(exact.hits.map(\.documentId)).count == 7)
    }

    @Test func distanceThresholdCutsFarResults() async throws {
        let (database, library, vectors) = try await makeLibrary(metric: .l2)
        let all = try await database.search(libraryId: library, SearchQuery(vector: vectors[0], k: 20))
        #expect(all.hits.first?.documentId == "doc-0")
        #expect(all.hits.first.map { $0.distance < 1e-5 } == true)
        let cut = all.hits[9].distance
        let limited = try await database.search(libraryId: library, SearchQuery(vector: vectors[0], k: 20, distanceThreshold: cut))
        #expect(limited.hits.count == 10)
        #expect(limited.hits.allSatisfy { $0.distance <= cut })
    }
}

private func pow2(_ x: Double) -> Double { x * x }

/// The planner on an approximate index: a filter few chunks pass is answered by exact scoring,
/// a broad one by the index with the filter as allow-list; both return k matching hits.
@Suite struct PlannerTests {
    @Test(arguments: ["hnsw", "ivf", "lsh"])
    func filteredSearchesReturnKMatchingHits(indexType: String) async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "planned", indexType: indexType)).id.uuidString
        var generator = SeededGenerator(seed: 17)
        let vectors = randomVectors(count: 800, dimension: 12, using: &generator)
        let drafts = vectors.enumerated().map { index, vector -> Result<DocumentDraft, EngineError> in
            .success(DocumentDraft(id: "d\(index)", metadata: ["rare": .bool(index % 50 == 0), "half": .bool(index % 2 == 0)],
                                   chunks: [.init(text: "", embedding: vector)]))
        }
        #expect(try await database.addDocuments(libraryId: library, drafts).failed == 0)
        let query = randomVector(dimension: 12, using: &generator)
        let rare = try await database.search(libraryId: library, SearchQuery(vector: query, k: 10, filter: .field(path: ["rare"], .eq(.bool(true)))))
        #expect(rare.hits.count == 10)
        #expect(rare.hits.allSatisfy { Int($0.documentId.dropFirst())! % 50 == 0 })
        let cosine = { (v: [Float]) -> Double in
            let dot = zip(query, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let norms = (query.reduce(0.0) { $0 + Double($1 * $1) } * v.reduce(0.0) { $0 + Double($1 * $1) }).squareRoot()
            return 1 - dot / norms
        }
        let exact = (0..<800).filter { $0 % 50 == 0 }.sorted { cosine(vectors[$0]) < cosine(vectors[$1]) }.prefix(10).map { "d\($0)" }
        #expect(rare.hits.map(\.documentId) == exact, "a rare filter is scored exactly")
        let half = try await database.search(libraryId: library, SearchQuery(vector: query, k: 10, filter: .field(path: ["half"], .eq(.bool(true)))))
        #expect(half.hits.count == 10)
        #expect(half.hits.allSatisfy { Int($0.documentId.dropFirst())! % 2 == 0 })
    }
}
