import ArrwEmbedding
@testable import ArrwEngine
import ArrwTestSupport
import Foundation
import Testing

/// The logged vector replacement of `regenerate_embeddings` (change record kind 8): encoded and
/// decoded exactly, applied at once, and replayed from the log alone to the same vectors.
@Suite struct VectorReplacementTests {
    @Test("a replace-vectors record round-trips through its encoding")
    func recordRoundTrip() throws {
        let record = ChangeRecord.replaceVectors(
            libraryId: UUID(), [VectorReplacement(chunkId: "c1", vector: [1, -2.5, .leastNonzeroMagnitude]), VectorReplacement(chunkId: "c2", vector: [0, 3, 4])],
            at: Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(try ChangeRecord.decode(record.encode()) == record)
    }

    @Test("replaced vectors serve at once and come back from the log alone after a restart", arguments: ["brute_force", "hnsw"])
    func replayFromTheLog(indexType: String) async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "replace", indexType: indexType, metric: "l2")).id.uuidString
        var generator = SeededGenerator(seed: 41)
        try await addVectorDocuments(database, library: library, randomVectors(count: 200, dimension: 16, using: &generator))
        let store = try database.store(library)
        let keys = store.lock.withReadLock { store.chunks.keys.sorted() }
        let fresh = randomVectors(count: 100, dimension: 16, using: &generator)
        let replacing = Dictionary(uniqueKeysWithValues: zip(keys.prefix(100), fresh))
        try await database.deleteDocument(libraryId: library, documentId: "d0")
        let replaced = try await store.replaceVectors(replacing) { _, _ in }
        #expect(replaced == 99, "the deleted document's chunk is skipped")
        func check(_ database: Database) async throws {
            for index in 1..<100 {
                let stored = try database.document(libraryId: library, documentId: "d\(index)", includeEmbeddings: true).chunks[0].embedding
                #expect(stored == fresh[index], "d\(index) holds its new vector")
                let hit = try await database.search(libraryId: library, SearchQuery(vector: fresh[index], k: 1)).hits.first
                #expect(hit?.documentId == "d\(index)")
            }
            #expect(try database.statistics(library).documentCount == 199)
        }
        try await check(database)
        try database.close()
        let (reopened, report) = try directory.open()
        #expect(report.snapshotPath == nil && report.walRecordsReplayed > 0)
        try await check(reopened)
        try reopened.close()
    }
}
