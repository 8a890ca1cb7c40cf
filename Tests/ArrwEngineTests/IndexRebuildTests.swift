import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// Changing a library's index under load: searches never fail while the new index is built,
/// writes made during the build are in the new index, and the swap is atomic.
@Suite struct IndexRebuildTests {
    @Test(.timeLimit(.minutes(2)), arguments: ["hnsw", "ivf", "kd_tree", "lsh"])
    func searchesAndWritesDuringARebuild(target: String) async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let library = try await database.createLibrary(.init(name: "load")).id.uuidString
        var generator = SeededGenerator(seed: 3)
        // Large enough that even the fastest build (a KD-tree) takes tens of milliseconds, so
        // the searches begun right after the change land inside it on a loaded machine too.
        let count = 20_000
        let vectors = randomVectors(count: count, dimension: 16, using: &generator)
        try await addVectorDocuments(database, library: library, vectors) { ["odd": .bool($0 % 2 == 1)] }

        // Searchers run from before the index change until its build is complete; the writer
        // starts with the build.
        let queries = randomVectors(count: 40, dimension: 16, using: &generator)
        let searchesDone = Counter()
        let built = Counter()
        let patched = Counter()
        let duringBuild = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for query in queries {
                group.addTask {
                    repeat {
                        let outcome = try await database.search(libraryId: library, SearchQuery(vector: query, k: 10))
                        #expect(outcome.hits.count == 10)
                        #expect(outcome.hits.map(\.distance) == outcome.hits.map(\.distance).sorted())
                        let filtered = try await database.search(
                            libraryId: library, SearchQuery(vector: query, k: 10, filter: .field(path: ["odd"], .eq(.bool(true)))))
                        #expect(filtered.hits.count == 10)
                        #expect(filtered.hits.allSatisfy { Int($0.documentId.dropFirst())! % 2 == 1 })
                        searchesDone.increment()
                        await Task.yield()
                    } while built.value == 0
                }
            }
            group.addTask {
                while searchesDone.value < queries.count { await Task.yield() }
                let (_, rebuilding) = try await database.updateLibrary(library, .init(indexType: target))
                #expect(rebuilding)
                patched.increment()
                // On a thread of its own, as a job worker runs it, beside the busy searchers.
                let thread = JobThreadExecutor(name: "rebuild-test")
                defer { thread.shutdown() }
                let build = Task(executorPreference: thread) {
                    try await buildPendingIndex(database, library)
                    built.increment()
                }
                // Searches from the moment the build starts: each that begins and ends while the
                // statistics say "building" ran during the build.
                while try database.statistics(library).buildState == "building" {
                    let outcome = try await database.search(libraryId: library, SearchQuery(vector: queries[0], k: 10))
                    #expect(outcome.hits.count == 10)
                    if try database.statistics(library).buildState == "building" { duringBuild.increment() }
                }
                try await build.value
            }
            group.addTask {
                while patched.value == 0 { await Task.yield() }
                for index in 0..<20 {
                    _ = try await database.addDocument(
                        libraryId: library, DocumentDraft(id: "late\(index)", chunks: [.init(text: "", embedding: queries[index])]))
                    await Task.yield()
                }
                for index in 0..<20 {
                    try await database.deleteDocument(libraryId: library, documentId: "d\(index)")
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }
        #expect(duringBuild.value > 0, "no search ran while the new index was being built (\(searchesDone.value) searches)")
        let stats = try database.statistics(library)
        #expect(stats.indexType.rawValue == target)
        #expect(stats.buildState == "ready")
        #expect(stats.chunkCount == count)
        for index in 0..<20 {
            let hit = try await database.search(libraryId: library, SearchQuery(vector: queries[index], k: 1)).hits.first
            #expect(hit?.documentId == "late\(index)", "a write made during the rebuild is in the new index")
        }
        let removed = try await database.search(
            libraryId: library, SearchQuery(vector: vectors[5], k: 5, filter: .field(path: ["document_id"], .isIn((0..<20).map { .string("d\($0)") }))))
        #expect(removed.hits.isEmpty, "a delete made during the rebuild is in the new index")
    }
}
