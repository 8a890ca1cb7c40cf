import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// Changing a library's index under load: searches never fail while the new index is built,
/// writes made during the build are in the new index, and the swap is atomic.
@Suite struct IndexRebuildTests {
    @Test(arguments: ["hnsw", "ivf", "kd_tree", "lsh"])
    func searchesAndWritesDuringARebuild(target: String) async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "load")).id.uuidString
        var generator = SeededGenerator(seed: 3)
        let vectors = randomVectors(count: 3000, dimension: 16, using: &generator)
        let drafts = vectors.enumerated().map { index, vector -> Result<DocumentDraft, EngineError> in
            .success(DocumentDraft(id: "v\(index)", metadata: ["odd": .bool(index % 2 == 1)], chunks: [.init(text: "", embedding: vector)]))
        }
        for start in stride(from: 0, to: drafts.count, by: 1000) {
            #expect(try await database.addDocuments(libraryId: library, Array(drafts[start..<start + 1000])).failed == 0)
        }

        let finished = AsyncStream<Void>.makeStream()
        let (_, rebuilding) = try await database.updateLibrary(library, .init(indexType: target)) { finished.continuation.yield() }
        #expect(rebuilding)
        let queries = randomVectors(count: 40, dimension: 16, using: &generator)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for query in queries {
                group.addTask {
                    let outcome = try await database.search(libraryId: library, SearchQuery(vector: query, k: 10))
                    #expect(outcome.hits.count == 10)
                    #expect(outcome.hits.map(\.distance) == outcome.hits.map(\.distance).sorted())
                    let filtered = try await database.search(
                        libraryId: library, SearchQuery(vector: query, k: 10, filter: .field(path: ["odd"], .eq(.bool(true)))))
                    #expect(filtered.hits.count == 10)
                    #expect(filtered.hits.allSatisfy { Int($0.documentId.dropFirst())! % 2 == 1 })
                }
            }
            group.addTask {
                for index in 0..<20 {
                    _ = try await database.addDocument(
                        libraryId: library, DocumentDraft(id: "late\(index)", chunks: [.init(text: "", embedding: queries[index])]))
                }
                for index in 0..<20 { try await database.deleteDocument(libraryId: library, documentId: "v\(index)") }
            }
            try await group.waitForAll()
        }
        for await _ in finished.stream { break }
        let stats = try database.statistics(library)
        #expect(stats.indexType.rawValue == target)
        #expect(stats.buildState == "ready")
        #expect(stats.chunkCount == 3000)
        for index in 0..<20 {
            let hit = try await database.search(libraryId: library, SearchQuery(vector: queries[index], k: 1)).hits.first
            #expect(hit?.documentId == "late\(index)", "a write made during the rebuild is in the new index")
        }
        let removed = try await database.search(
            libraryId: library, SearchQuery(vector: vectors[5], k: 5, filter: .field(path: ["document_id"], .isIn((0..<20).map { .string("v\($0)") }))))
        #expect(removed.hits.isEmpty, "a delete made during the rebuild is in the new index")
    }
}
