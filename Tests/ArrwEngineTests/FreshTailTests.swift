import ArrwEmbedding
@testable import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// Waits until the background builder has moved every vector of `library` into its index.
func waitForIndexedTail(_ database: Database, _ library: String, seconds: Double = 60) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try database.statistics(library).pendingIndexVectors > 0 {
        guard Date() < deadline else {
            Issue.record("the builder left \(try database.statistics(library).pendingIndexVectors) vectors unindexed")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// The fresh tail and the background builder: a write is searchable, exactly, from the moment it
/// is acknowledged, whether or not the builder has indexed it; snapshots keep the tail; writers
/// wait when the tail is full; index swaps and removals stay consistent with it.
@Suite struct FreshTailTests {
    static let dimension = 16

    /// The exact `k` nearest keys by document id, computed apart from the engine.
    static func exactIds(_ vectors: [String: [Float]], query: [Float], k: Int) -> [String] {
        let reference = BruteForceIndex(dimension: dimension, metric: .cosine)
        let ids = vectors.keys.sorted()
        for (key, id) in ids.enumerated() { reference.add(key: UInt64(key), vector: vectors[id]!) }
        return reference.search(query: query, k: k, filter: nil).map { ids[Int($0.key)] }
    }

    /// A library `name` of `indexType` in `database` and `count` seeded vectors for it (not stored).
    static func library(
        _ name: String, in database: Database, indexType: String = "hnsw", metric: String = "cosine", seed: UInt64, count: Int
    ) async throws -> (String, [[Float]]) {
        let library = try await database.createLibrary(.init(name: name, indexType: indexType, metric: metric)).id.uuidString
        var generator = SeededGenerator(seed: seed)
        return (library, randomVectors(count: count, dimension: dimension, using: &generator))
    }

    /// Expects each probed vector's own document (`id(probe)`) as its nearest hit.
    static func expectOwnNearest(
        _ database: Database, _ library: String, _ vectors: [[Float]], probes: some Sequence<Int>,
        id: (Int) -> String = { "d\($0)" }, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for probe in probes {
            let hits = try await database.search(libraryId: library, SearchQuery(vector: vectors[probe], k: 1)).hits
            #expect(hits.first?.documentId == id(probe), sourceLocation: sourceLocation)
        }
    }

    @Test("vectors written while the builder is held are found exactly, filtered too, then indexed", arguments: ["hnsw", "ivf", "lsh", "kd_tree"])
    func searchesSeeTheTail(indexType: String) async throws {
        let database = Database(embedder: HashEmbedder(dimension: Self.dimension))
        let (library, vectors) = try await Self.library("tail", in: database, indexType: indexType, seed: 7, count: 1200)
        let (indexed, fresh) = (Array(vectors.prefix(900)), Array(vectors.suffix(300)))
        try await addVectorDocuments(database, library: library, indexed, metadata: { ["even": .bool($0 % 2 == 0)] })
        try await waitForIndexedTail(database, library)

        database.indexBuilder.pause()
        let drafts = fresh.enumerated().map { index, vector in
            Result<DocumentDraft, EngineError>.success(DocumentDraft(
                id: "fresh\(index)", metadata: ["even": .bool(index % 2 == 0)], chunks: [.init(text: "", embedding: vector)]))
        }
        #expect(try await database.addDocuments(libraryId: library, drafts).failed == 0)
        let statistics = try database.statistics(library)
        #expect(statistics.pendingIndexVectors == 300 && statistics.chunkCount == 1200)

        var all: [String: [Float]] = [:]
        for (index, vector) in indexed.enumerated() { all["d\(index)"] = vector }
        for (index, vector) in fresh.enumerated() { all["fresh\(index)"] = vector }
        let evens = all.filter { id, _ in (Int(id.drop { !$0.isNumber }) ?? 0) % 2 == 0 }
        for probe in stride(from: 0, to: 300, by: 37) {
            let hits = try await database.search(libraryId: library, SearchQuery(vector: fresh[probe], k: 10)).hits
            #expect(hits.first?.documentId == "fresh\(probe)", "the unindexed vector is its own nearest")
            if indexType == "kd_tree" {
                #expect(hits.map(\.documentId) == Self.exactIds(all, query: fresh[probe], k: 10), "an exact index plus the tail is exact")
            }
            let filter = try Filter.parse(.object(["even": .bool(true)]))
            let filtered = try await database.search(libraryId: library, SearchQuery(vector: fresh[probe], k: 5, filter: filter)).hits
            #expect(filtered.count == 5 && filtered.allSatisfy { evens[$0.documentId] != nil })
            if probe % 2 == 0 { #expect(filtered.first?.documentId == "fresh\(probe)") }
        }
        let document = try database.document(libraryId: library, documentId: "fresh3", includeEmbeddings: true)
        #expect(document.chunks[0].embedding != nil, "an unindexed vector is read back")

        database.indexBuilder.resume()
        try await waitForIndexedTail(database, library)
        #expect(try database.document(libraryId: library, documentId: "fresh3", includeEmbeddings: true) == document,
                "indexing moves the vector bit for bit")
        try await Self.expectOwnNearest(database, library, fresh, probes: stride(from: 0, to: 300, by: 37), id: { "fresh\($0)" })
    }

    @Test("a removal reaches a vector in the tail and in the index alike")
    func removalsReachBoth() async throws {
        let database = Database(embedder: HashEmbedder(dimension: Self.dimension))
        let (library, vectors) = try await Self.library("remove", in: database, seed: 8, count: 600)
        try await addVectorDocuments(database, library: library, Array(vectors.prefix(500)))
        try await waitForIndexedTail(database, library)
        database.indexBuilder.pause()
        for index in 500..<600 {
            _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "d\(index)", chunks: [.init(text: "", embedding: vectors[index])]))
        }
        for index in [3, 250, 510, 599] { try await database.deleteDocument(libraryId: library, documentId: "d\(index)") }
        #expect(try database.statistics(library).pendingIndexVectors == 98)
        database.indexBuilder.resume()
        try await waitForIndexedTail(database, library)
        for index in [3, 250, 510, 599] {
            let hits = try await database.search(libraryId: library, SearchQuery(vector: vectors[index], k: 5)).hits
            #expect(!hits.contains { $0.documentId == "d\(index)" })
        }
        #expect(try database.statistics(library).chunkCount == 596)
    }

    @Test("a snapshot holds the unindexed tail; after a restart it is searchable and then indexed")
    func snapshotsKeepTheTail() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let (library, vectors) = try await Self.library("kept", in: database, seed: 9, count: 700)
        try await addVectorDocuments(database, library: library, Array(vectors.prefix(500)))
        try await waitForIndexedTail(database, library)
        database.indexBuilder.pause()
        try await addVectorDocuments(database, library: library, Array(vectors.suffix(200)), offset: 500)
        #expect(try database.statistics(library).pendingIndexVectors == 200)
        try database.writeSnapshot()
        try database.close()

        let (reopened, report) = try directory.open()
        #expect(report.walRecordsReplayed == 0, "the snapshot alone holds all 700 vectors, 200 of them in its tail")
        try await Self.expectOwnNearest(reopened, library, vectors, probes: stride(from: 0, to: 700, by: 23))
        try await waitForIndexedTail(reopened, library)
        #expect(try reopened.statistics(library).chunkCount == 700)
        try reopened.close()
    }

    @Test("writers wait while the tail is full and go on as the builder empties it")
    func fullTailSlowsWriters() async throws {
        var limits = EngineLimits()
        limits.indexTailLimit = 100
        let database = Database(embedder: HashEmbedder(dimension: Self.dimension), limits: limits)
        let (library, vectors) = try await Self.library("bounded", in: database, seed: 10, count: 151)
        database.indexBuilder.pause()
        try await addVectorDocuments(database, library: library, Array(vectors.prefix(150)))
        #expect(try database.statistics(library).pendingIndexVectors == 150, "a batch that starts under the limit is taken whole")
        let stored = Counter()
        let writer = Task {
            _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "late", chunks: [.init(text: "", embedding: vectors[150])]))
            stored.increment()
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(stored.value == 0, "the writer waits while the tail is over the limit")
        database.indexBuilder.resume()
        try await writer.value
        #expect(stored.value == 1)
        try await waitForIndexedTail(database, library)
        #expect(try database.statistics(library).chunkCount == 151)
    }

    @Test("an index rebuild takes the tail's vectors, and vectors written during it land in the new tail")
    func rebuildTakesTheTail() async throws {
        let database = Database(embedder: HashEmbedder(dimension: Self.dimension))
        let (library, vectors) = try await Self.library("rebuilt", in: database, metric: "l2", seed: 11, count: 800)
        try await addVectorDocuments(database, library: library, Array(vectors.prefix(600)))
        database.indexBuilder.pause()
        _ = try await database.updateLibrary(library, .init(indexType: "hnsw", indexParams: .object(["m": .int(8)])))
        var written = false
        let outcome = try await database.buildIndex(libraryId: library, optimize: false) { _, _ in
            guard !written else { return }
            written = true
            try await addVectorDocuments(database, library: library, Array(vectors.suffix(200)), offset: 600)
        }
        guard case .completed(let report)? = outcome else { Issue.record("the build did not complete: \(String(describing: outcome))"); return }
        #expect(report.vectors == 600, "every vector stored when the build began, in the tail or not")
        #expect(try database.statistics(library).pendingIndexVectors == 200, "writes during the build wait in the new index's tail")
        try await Self.expectOwnNearest(database, library, vectors, probes: stride(from: 0, to: 800, by: 31))
        database.indexBuilder.resume()
        try await waitForIndexedTail(database, library)
        #expect(try database.statistics(library).chunkCount == 800)
    }
}
