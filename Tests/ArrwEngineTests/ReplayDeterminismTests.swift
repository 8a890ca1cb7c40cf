import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// Recovery rebuilds what the first run built, so a restarted server answers exactly as before.
@Suite struct ReplayDeterminismTests {
    /// Approximate searches (a sparse graph, a tiny candidate list), whose answers depend on the
    /// graph's exact shape: ids and distances.
    func answers(_ database: Database, _ library: String, _ queries: [[Float]]) async throws -> [[String]] {
        var answers: [[String]] = []
        for query in queries {
            let outcome = try await database.search(
                libraryId: library, SearchQuery(vector: query, k: 10, options: SearchOptions(efSearch: 10)))
            answers.append(outcome.hits.map { "\($0.chunk.id) \($0.distance)" })
        }
        return answers
    }

    @Test("an index change replayed after a restart builds the same graph in key order and keeps the change's time")
    func replayedIndexChange() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "graph")).id.uuidString
        var generator = SeededGenerator(seed: 11)
        try await addVectorDocuments(database, library: library, randomVectors(count: 900, dimension: 16, using: &generator))
        for index in stride(from: 0, to: 900, by: 7) { try await database.deleteDocument(libraryId: library, documentId: "d\(index)") }
        let requested = Date()
        _ = try await database.updateLibrary(
            library, .init(indexType: "hnsw", indexParams: .object(["m": .int(4), "ef_construction": .int(8)])))
        try await buildPendingIndex(database, library)
        let queries = randomVectors(count: 30, dimension: 16, using: &generator)
        let before = try await answers(database, library, queries)
        let changedAt = try database.library(library).updatedAt
        #expect(changedAt >= requested && changedAt.timeIntervalSince(requested) < 1)
        try database.close()

        let (reopened, report) = try directory.open()
        #expect(report.snapshotPath == nil)
        try await buildPendingIndex(reopened, library)
        #expect(try reopened.library(library).updatedAt == changedAt, "the swap takes the logged time of the change")
        #expect(try await answers(reopened, library, queries) == before, "the replayed build is the graph the first run built")
        try reopened.close()
    }

    @Test("a snapshot written during an index build carries it, with the change's time, and the build resumes after a restart")
    func snapshotDuringBuild() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "building")).id.uuidString
        var generator = SeededGenerator(seed: 12)
        try await addVectorDocuments(database, library: library, randomVectors(count: 4000, dimension: 16, using: &generator))
        _ = try await database.updateLibrary(library, .init(indexType: "hnsw", indexParams: .object(["ef_construction": .int(400)])))
        let changedAt = Date()
        try #require(try database.statistics(library).buildState == "building", "the change waits for its build")
        let snapshot = try #require(try database.writeSnapshot())
        try await buildPendingIndex(database, library)
        let builtAt = try database.library(library).updatedAt
        #expect(builtAt <= changedAt, "the swap takes the time of the change, not of its end")
        try database.close()

        let (reopened, report) = try directory.open()
        #expect(report.snapshotSequence == snapshot.sequence && report.walRecordsReplayed == 0)
        #expect(try reopened.statistics(library).buildState == "building", "the snapshot's section carried the build in progress")
        try await buildPendingIndex(reopened, library)
        #expect(try reopened.statistics(library).indexType == .hnsw)
        #expect(try reopened.library(library).updatedAt == builtAt)
        try reopened.close()
    }
}
