import ArrwEmbedding
@testable import ArrwEngine
import ArrwTestSupport
import Foundation
import Testing

/// A library bound to its provider's model, and moved to another (change record kind 11):
/// encoded and decoded exactly, swapped in at once with the new dimension, replayed from the log
/// alone, and refused when a chunk has no text to embed.
@Suite struct EmbeddingMoveTests {
    static func providers() -> EmbeddingProviders {
        EmbeddingProviders(["small": HashEmbedder(dimension: 8), "large": HashEmbedder(dimension: 24)], defaultName: "small")
    }

    @Test("a move-embeddings record and a create-library record with a provider round-trip through their encoding")
    func recordRoundTrip() throws {
        let move = ChangeRecord.moveEmbeddings(
            libraryId: UUID(), EmbeddingBinding(provider: "ollama", model: "nomic-embed-text", dimension: 3),
            [VectorReplacement(chunkId: "c1", vector: [1, -2.5, 0]), VectorReplacement(chunkId: "c2", vector: [0, 3, 4])],
            at: Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(try ChangeRecord.decode(move.encode()) == move)
    }

    @Test("a library records its provider; texts go to that provider; another model named by a request is a 409")
    func bindingAndMismatch() async throws {
        let database = Database(embedders: Self.providers())
        let small = try await database.createLibrary(.init(name: "default"))
        #expect(small.embeddingProvider == "small" && small.embeddingModel == "hash-8")
        let large = try await database.createLibrary(.init(name: "named", embeddingModel: "hash-24"))
        #expect(large.embeddingProvider == "large")
        #expect(try ChangeRecord.decode(ChangeRecord.createLibrary(large).encode()) == .createLibrary(large))
        _ = try await database.addDocument(libraryId: large.id.uuidString, DocumentDraft(chunks: [.init(text: "twenty-four")]))
        #expect(try database.statistics(large.id.uuidString).dimension == 24)
        await #expect(throws: EngineError.self) { try await database.createLibrary(.init(name: "unknown", embeddingModel: "embed-english-v3.0")) }
        do {
            _ = try await database.search(libraryId: large.id.uuidString, SearchQuery(text: "query", embeddingModel: "small"))
            Issue.record("a query for another model must be refused")
        } catch let error as EngineError {
            #expect(error.code == "embedding_model_mismatch" && error.kind == .conflict)
            #expect(error.details?["library_model"] == .string("hash-24") && error.details?["requested_model"] == .string("small"))
        }
        var draft = DocumentDraft(chunks: [.init(text: "text")])
        draft.embeddingModel = "hash-8"
        await #expect(throws: EngineError.self) { try await database.addDocument(libraryId: large.id.uuidString, draft) }
        draft.embeddingModel = "large"
        _ = try await database.addDocument(libraryId: large.id.uuidString, draft)
    }

    @Test("a library moved to a model of another dimension serves it at once and comes back from the log alone", arguments: ["brute_force", "hnsw"])
    func moveAndReplay(indexType: String) async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let open = { try Database.open(directory: directory.path, embedders: Self.providers()) }
        let (database, _) = try open()
        let library = try await database.createLibrary(.init(name: "move", indexType: indexType)).id.uuidString
        for index in 0..<60 {
            _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "d\(index)", chunks: [.init(text: "text number \(index)")]))
        }
        try await database.deleteDocument(libraryId: library, documentId: "d0")
        let store = try database.store(library)
        let large = try #require(database.embedders["large"])
        let keys = store.sortedChunkKeys
        let texts = store.chunkTexts(keys[...])
        let vectors = try await large.embed(texts.map(\.text), purpose: .document)
        var staged = Dictionary(uniqueKeysWithValues: zip(texts.map(\.key), vectors))
        // A document added after the staging is missing from it: the swap waits for its vector.
        _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "late", chunks: [.init(text: "late text")]))
        let binding = EmbeddingBinding(provider: "large", model: "hash-24", dimension: 24)
        let first = try await store.moveEmbeddings(to: binding, vectors: staged) { _, _ in }
        let lateKey = try #require(store.sortedChunkKeys.last)
        #expect(first == .incomplete(missing: [lateKey]))
        #expect(try database.library(library).embeddingModel == "hash-8", "nothing moved yet")
        staged[lateKey] = try await large.embed(["late text"], purpose: .document)[0]
        #expect(try await store.moveEmbeddings(to: binding, vectors: staged) { _, _ in } == .moved(60))
        func check(_ database: Database) async throws {
            let info = try database.library(library)
            #expect(info.embeddingProvider == "large" && info.embeddingModel == "hash-24" && info.dimension == 24)
            let hit = try await database.search(libraryId: library, SearchQuery(text: "text number 7", k: 1)).hits.first
            #expect(hit?.documentId == "d7")
            let stored = try database.document(libraryId: library, documentId: "late", includeEmbeddings: true).chunks[0].embedding
            #expect(stored?.count == 24)
            #expect(try database.statistics(library).documentCount == 60)
        }
        try await check(database)
        try database.close()
        let (reopened, report) = try open()
        #expect(report.snapshotPath == nil && report.walRecordsReplayed > 0)
        try await check(reopened)
        try reopened.close()
    }

    @Test("a chunk that brought its own vector and has no text keeps it through a move of the same dimension, and stops one to another")
    func textlessChunksInAMove() async throws {
        let database = Database(embedders: Self.providers())
        let library = try await database.createLibrary(.init(name: "own", metric: "l2")).id.uuidString
        let own = Array(repeating: Float(0.5), count: 8)
        _ = try await database.addDocument(libraryId: library, DocumentDraft(chunks: [.init(text: "", embedding: own)]))
        let store = try database.store(library)
        #expect(try store.textlessVectors(store.sortedChunkKeys, keepingDimension: 8, movingTo: "hash-8b") == [store.sortedChunkKeys[0]: own])
        #expect(throws: EngineError.self) { try store.textlessVectors(store.sortedChunkKeys, keepingDimension: 24, movingTo: "hash-24") }
    }
}
