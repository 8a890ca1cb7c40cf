import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import Foundation
import Testing

private func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

@Suite struct DatabaseTests {
    let database = Database(embedder: HashEmbedder(dimension: 32))

    private func library(_ name: String = "lib", metric: String? = nil) async throws -> String {
        try await database.createLibrary(.init(name: name, metric: metric)).id.uuidString
    }

    private func add(_ library: String, _ draft: DocumentDraft) async throws -> Document {
        try await database.addDocument(libraryId: library, draft)
    }

    /// A one-chunk draft of `text`.
    private func text(_ text: String, id: String? = nil, metadata: [String: JSONValue] = [:]) -> DocumentDraft {
        DocumentDraft(id: id, metadata: metadata, chunks: [.init(text: text)])
    }

    /// A one-chunk draft that brings its own `embedding`.
    private func vector(_ embedding: [Float]) -> DocumentDraft {
        DocumentDraft(chunks: [.init(text: "", embedding: embedding)])
    }

    @Test func libraryLifecycle() async throws {
        let created = try await database.createLibrary(.init(name: "papers", description: "d", metadata: .object(["team": .string("a")])))
        #expect(created.metric == .cosine)
        #expect(created.indexType == .bruteForce)
        #expect(created.dimension == nil)
        #expect(created.embeddingModel == "hash-32")
        let id = created.id.uuidString
        #expect(try database.library(id).name == "papers")
        let (patched, rebuilding) = try await database.updateLibrary(id, .init(description: "new", metadata: .object(["team": .string("b")])))
        #expect(!rebuilding)
        #expect(patched.description == "new")
        #expect(patched.metadata["team"] == .string("b"))
        #expect(database.listLibraries().map(\.name) == ["papers"])
        try await database.deleteLibrary(id)
        #expect(throws: EngineError.libraryNotFound(id)) { try database.library(id) }
        await #expect(throws: EngineError.libraryNotFound(id)) { try await database.deleteLibrary(id) }
        #expect(database.listLibraries().isEmpty)
    }

    @Test func libraryValidation() async throws {
        _ = try await library("taken")
        await #expect(throws: EngineError.duplicateLibraryName("taken")) { try await database.createLibrary(.init(name: "taken")) }
        for bad: Database.LibraryDraft in [
            .init(name: nil), .init(name: ""), .init(name: String(repeating: "x", count: 129)),
            .init(name: "a\u{7}"), .init(name: "m", metric: "hamming"), .init(name: "i", indexType: "annoy"),
            .init(name: "p", indexParams: .object(["m": .int(16)])), .init(name: "d", dimension: 0),
            .init(name: "md", metadata: .array([])),
        ] {
            let error = try await #require(throws: EngineError.self) { try await database.createLibrary(bad) }
            #expect(error.kind == .invalidInput)
        }
        for params: JSONValue in [.object(["m": .int(1)]), .object(["m": .double(2.5)]), .object(["ef": .int(3)]), .object(["m": .string("8")])] {
            let error = try await #require(throws: EngineError.self) { try await database.createLibrary(.init(name: "h", indexType: "hnsw", indexParams: params)) }
            #expect(error.code == "validation_error")
            #expect(error.details?["field"]?.string?.hasPrefix("index_params.") == true)
        }
        let ivf = try await #require(throws: EngineError.self) {
            try await database.createLibrary(.init(name: "i", indexType: "ivf", indexParams: .object(["nlist": .int(4), "nprobe": .int(8)])))
        }
        #expect(ivf.details?["field"] == .string("index_params.nprobe"))
        #expect(database.listLibraries().count == 1)
        let hnsw = try await database.createLibrary(.init(name: "h", indexType: "hnsw", indexParams: .object(["m": .int(8)])))
        #expect(hnsw.indexParams == ["m": .int(8), "ef_construction": .int(200), "ef_search": .int(64)])
    }

    @Test func documentsOfOneAndManyChunks() async throws {
        let lib = try await library()
        let one = try await add(lib, DocumentDraft(title: "One", metadata: ["k": .int(1)], chunks: [.init(text: "alpha beta")]))
        #expect(one.chunks.count == 1)
        #expect(one.title == "One")
        let many = try await add(lib, DocumentDraft(title: "Many", chunks: ["a b", "c d", "e f"].map { .init(text: $0) }))
        #expect(many.chunks.map(\.text) == ["a b", "c d", "e f"])
        let chunks = try await add(lib, DocumentDraft(id: "mine", chunks: [.init(text: "x", metadata: ["c": .int(2)]), .init(text: "y")]))
        #expect(chunks.id == "mine")
        #expect(chunks.chunks[0].metadata == ["c": .int(2)])
        #expect(try database.library(lib).dimension == 32)
        #expect(try database.library(lib).documentCount == 3)
        #expect(try database.library(lib).chunkCount == 6)
        let fetched = try database.document(libraryId: lib, documentId: "mine", includeEmbeddings: true)
        #expect(fetched.chunks.allSatisfy { $0.embedding?.count == 32 })
        #expect(try database.document(libraryId: lib, documentId: "mine").chunks.allSatisfy { $0.embedding == nil })
    }

    @Test func broughtVectorsFixTheDimension() async throws {
        let lib = try await library()
        _ = try await add(lib, DocumentDraft(chunks: [.init(text: "v", embedding: [1, 0, 0])]))
        #expect(try database.library(lib).dimension == 3)
        let wrong = try await #require(throws: EngineError.self) { try await add(lib, vector([1, 0])) }
        #expect(wrong.code == "dimension_mismatch")
        let embedded = try await #require(throws: EngineError.self) { try await add(lib, text("needs the model")) }
        #expect(embedded.code == "dimension_mismatch")
        #expect(try database.library(lib).documentCount == 1)
    }

    @Test func chunkMetadataIsMergedOverTheDocumentsForFilters() async throws {
        let lib = try await library()
        _ = try await add(lib, DocumentDraft(
            id: "d1", metadata: ["lang": .string("en"), "kind": .string("paper")],
            chunks: [.init(text: "a", metadata: ["kind": .string("figure")]), .init(text: "b")]))
        _ = try await add(lib, text("c", id: "d2", metadata: ["lang": .string("fr")]))
        func count(_ filter: String) async throws -> Int {
            try await database.search(libraryId: lib, SearchQuery(text: "a", k: 10, filter: Filter.parse(json(filter)))).hits.count
        }
        #expect(try await count(#"{"lang": "en"}"#) == 2)
        #expect(try await count(#"{"kind": "figure"}"#) == 1)
        #expect(try await count(#"{"kind": "paper"}"#) == 1)
        #expect(try await count(#"{"document_id": "d2"}"#) == 1)
        #expect(try await count(#"{"created_at": {"$gt": "2000-01-01T00:00:00Z"}}"#) == 3)
    }

    @Test func duplicateIdsReplaceAndDelete() async throws {
        let lib = try await library()
        let first = try await add(lib, DocumentDraft(id: "d", chunks: [.init(text: "one"), .init(text: "two")]))
        let duplicate = try await #require(throws: EngineError.self) { try await add(lib, text("again", id: "d")) }
        #expect(duplicate == .duplicateDocument("d"))
        let draft = DocumentDraft(title: "new", chunks: [.init(text: "three")])
        let (replaced, created) = try await database.replaceDocument(libraryId: lib, documentId: "d", draft)
        #expect(!created)
        #expect(replaced.createdAt == first.createdAt)
        #expect(replaced.chunks.map(\.text) == ["three"])
        #expect(try database.library(lib).chunkCount == 1)
        let (_, fresh) = try await database.replaceDocument(libraryId: lib, documentId: "e", draft)
        #expect(fresh)
        try await database.deleteDocument(libraryId: lib, documentId: "d")
        await #expect(throws: EngineError.documentNotFound("d")) { try await database.deleteDocument(libraryId: lib, documentId: "d") }
        let hits = try await database.search(libraryId: lib, SearchQuery(text: "three", k: 10)).hits
        #expect(hits.map(\.documentId) == ["e"])
    }

    @Test func batchesFailPerItem() async throws {
        let lib = try await library()
        let drafts: [Result<DocumentDraft, EngineError>] = [
            .success(DocumentDraft(id: "a", chunks: [.init(text: "a")])),
            .failure(.validation("bad line")),
            .success(DocumentDraft(id: "a", chunks: [.init(text: "dup")])),
            .success(DocumentDraft(id: "b", chunks: [.init(text: "", embedding: [1, 2])])),
            .success(DocumentDraft(id: "c", chunks: [.init(text: "c")])),
        ]
        let outcome = try await database.addDocuments(libraryId: lib, drafts)
        #expect(outcome.successful == 2)
        #expect(outcome.failed == 3)
        #expect(outcome.results.map(\.line) == [1, 2, 3, 4, 5])
        #expect(outcome.results.map { $0.error?.code } == [nil, "validation_error", "duplicate_document", "dimension_mismatch", nil])
        let deleted = try await database.deleteDocuments(libraryId: lib, documentIds: ["a", "zzz", "c"])
        #expect(deleted.successful == 2)
        #expect(deleted.results[1].error?.code == "document_not_found")
        #expect(try database.library(lib).documentCount == 0)
    }

    @Test func pagingVisitsEveryDocumentExactlyOnce() async throws {
        let lib = try await library()
        for index in 0..<53 { _ = try await add(lib, text("t \(index)", id: "d\(index)")) }
        for index in stride(from: 0, to: 53, by: 4) { try await database.deleteDocument(libraryId: lib, documentId: "d\(index)") }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try database.listDocuments(libraryId: lib, limit: 10, cursor: cursor)
            #expect(page.documents.count <= 10)
            seen += page.documents.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        let expected = (0..<53).filter { $0 % 4 != 0 }.map { "d\($0)" }
        #expect(seen == expected)
        #expect(throws: EngineError.self) { try database.listDocuments(libraryId: lib, limit: 0, cursor: nil) }
        #expect(throws: EngineError.self) { try database.listDocuments(libraryId: lib, limit: 10, cursor: "garbage") }
    }

    @Test("drafts built in code are checked like parsed ones: every invariant, before anything is stored")
    func documentLimitsAreEnforced() async throws {
        var limits = EngineLimits()
        limits.maxChunksPerDocument = 3
        limits.maxTextLengthPerChunk = 10
        limits.maxDimension = 4
        limits.maxDescriptionLength = 5
        let database = Database(embedder: HashEmbedder(dimension: 4), limits: limits)
        let lib = try await database.createLibrary(.init(name: "limits")).id.uuidString
        let cases: [(DocumentDraft, String, String)] = [
            (DocumentDraft(chunks: ["a", "b", "c", "d"].map { .init(text: $0) }), "limit_exceeded", "chunks"),
            (text("this is longer than ten"), "limit_exceeded", "chunks[0].text"),
            (DocumentDraft(title: "too long", chunks: [.init(text: "a")]), "limit_exceeded", "title"),
            (DocumentDraft(chunks: []), "validation_error", "chunks"),
            (text(""), "validation_error", "chunks[0].text"),
            (vector([]), "validation_error", "chunks[0].embedding"),
            (vector([1, 2, 3, 4, 5]), "limit_exceeded", "chunks[0].embedding"),
            (vector([1, .nan]), "validation_error", "chunks[0].embedding"),
            (vector([.infinity]), "validation_error", "chunks[0].embedding"),
            (DocumentDraft(chunks: [.init(text: "", embedding: [1, 2]), .init(text: "", embedding: [1])]), "validation_error", "chunks"),
            (text("a", id: "has space"), "validation_error", "id"),
            (text("a", id: "batch"), "validation_error", "id"),
        ]
        for (draft, code, field) in cases {
            let error = try await #require(throws: EngineError.self, "\(draft)") { try await database.addDocument(libraryId: lib, draft) }
            #expect(error.code == code && error.details?["field"] == .string(field), "\(draft): \(error)")
            let batch = try await database.addDocuments(libraryId: lib, [.success(draft)])
            #expect(batch.results.first?.error == error)
            let replacing = try await #require(throws: EngineError.self) { try await database.replaceDocument(libraryId: lib, documentId: "x", draft) }
            #expect(replacing.code == code)
        }
        #expect(try database.library(lib).documentCount == 0)
        #expect(try database.library(lib).dimension == nil)
        // The limit counts characters, not bytes: ten two-byte letters (and ten that are one
        // grapheme each of two scalars) fit, eleven do not.
        _ = try await database.addDocument(libraryId: lib, text(String(repeating: "é", count: 10)))
        _ = try await database.addDocument(libraryId: lib, text(String(repeating: "e\u{301}", count: 10)))
        await #expect(throws: EngineError.self) { try await database.addDocument(libraryId: lib, text(String(repeating: "é", count: 11))) }
    }

    @Test func searchValidation() async throws {
        let lib = try await library()
        _ = try await add(lib, text("hello"))
        for query in [
            SearchQuery(text: "a", k: 0), SearchQuery(text: "a", k: 101), SearchQuery(k: 5),
            SearchQuery(text: "a", vector: [1], k: 5), SearchQuery(text: "", k: 5),
            SearchQuery(vector: [1, 2, 3], k: 5), SearchQuery(text: "a", k: 1, distanceThreshold: .infinity),
        ] {
            let error = try await #require(throws: EngineError.self) { try await database.search(libraryId: lib, query) }
            #expect(error.kind == .invalidInput)
        }
        let empty = try await library("empty")
        #expect(try await database.search(libraryId: empty, SearchQuery(text: "a", k: 3)).hits.isEmpty)
    }

    @Test func zeroVectorsAreRejectedUnderCosineOnly() async throws {
        let cosine = try await library("c")
        let error = try await #require(throws: EngineError.self) { try await add(cosine, vector([0, 0])) }
        #expect(error.code == "validation_error")
        #expect(try database.library(cosine).dimension == nil)
        let l2 = try await library("l", metric: "l2")
        _ = try await add(l2, vector([0, 0]))
        #expect(try database.library(l2).chunkCount == 1)
    }
}
