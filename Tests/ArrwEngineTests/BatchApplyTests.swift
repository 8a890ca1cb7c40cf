import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// A large batch is applied with its state filled side by side (documents, tail, keywords);
/// the library must come out as the same documents added one by one make it, and as a replay
/// of its log makes it.
@Suite struct BatchApplyTests {
    static let words = ["vector", "graph", "index", "query", "memory", "disk", "snapshot", "journal", "cluster", "model"]

    func drafts(_ count: Int, _ generator: inout SeededGenerator) -> [DocumentDraft] {
        (0..<count).map { index in
            let chunks = (0..<Int.random(in: 1...3, using: &generator)).map { position in
                DocumentDraft.ChunkDraft(
                    id: "d\(index)-c\(position)",
                    text: (0..<5).map { _ in Self.words.randomElement(using: &generator)! }.joined(separator: " "),
                    metadata: ["position": .int(Int64(position))],
                    embedding: randomVector(dimension: 12, using: &generator))
            }
            return DocumentDraft(id: "d\(index)", title: "title \(index)", metadata: ["n": .int(Int64(index))], chunks: chunks)
        }
    }

    /// Everything a client can read back: documents in order (less their times), vector and keyword answers.
    func contents(_ database: Database, _ library: String, queries: [[Float]]) async throws -> [String] {
        var lines = try everyDocument(database, library: library, includeEmbeddings: true).map { document in
            "\(document.id) \(document.title) \(document.metadata) \(document.chunks.map { "\($0.id) \($0.text) \($0.metadata) \($0.embedding ?? [])" })"
        }
        for query in queries {
            let hits = try await database.search(libraryId: library, SearchQuery(vector: query, k: 10)).hits
            lines.append(hits.map { "\($0.chunk.id) \($0.distance)" }.joined(separator: ","))
        }
        for word in Self.words {
            lines.append(try database.keywordSearch(libraryId: library, text: word, k: 20).map { "\($0.chunk.id) \($0.score)" }.joined(separator: ","))
        }
        let statistics = try database.statistics(library)
        lines.append("\(statistics.documentCount) \(statistics.chunkCount) \(statistics.dimension ?? 0) \(statistics.keywordTerms)")
        return lines
    }

    @Test("a batch of hundreds equals the same documents added one by one, and its replay")
    func batchEqualsOneByOne() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        var generator = SeededGenerator(seed: 31)
        let documents = drafts(700, &generator)
        let queries = randomVectors(count: 10, dimension: 12, using: &generator)
        let batched = try await database.createLibrary(.init(name: "batched")).id.uuidString
        let single = try await database.createLibrary(.init(name: "single")).id.uuidString
        // A first document sets the dimension; the next 600 go side by side; the rest land on a library with vectors.
        for range in [0..<1, 1..<601, 601..<700] {
            let outcome = try await database.addDocuments(libraryId: batched, documents[range].map { .success($0) })
            #expect(outcome.failed == 0)
        }
        for document in documents { _ = try await database.addDocument(libraryId: single, document) }
        let expected = try await contents(database, single, queries: queries)
        #expect(try await contents(database, batched, queries: queries) == expected)
        try database.close()

        let (reopened, _) = try directory.open()
        #expect(try await contents(reopened, batched, queries: queries) == expected, "the log replayed one by one builds the same library")
        try reopened.close()
    }
}
