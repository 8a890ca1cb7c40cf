import ArrwEmbedding
import ArrwEngine
import ArrwServer
import ArrwTestSupport
import Foundation
import Hummingbird
import Logging
import Testing

/// The original arrwDB's document fields `author`, `document_type`, `source_url` and `tags`:
/// answered beside `metadata` (which stays exactly what the user stored), filterable like
/// metadata, checked, carried by events and exports, and kept across a snapshot and a replay.
@Suite struct OriginalFieldsTests {
    static let document = #"""
        {"id": "paper", "title": "A paper", "text": "approximate nearest neighbours", "metadata": {"year": 2020},
         "author": "Ada", "document_type": "article", "source_url": "https://example.org/paper", "tags": ["ann", "graphs"]}
        """#

    @Test("the fields are answered beside metadata, never in it, and filter like metadata")
    func answeredAndFiltered() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary("fields")
            let created = try await api.call(.post, "/v1/libraries/\(library)/documents", Self.document)
            #expect(created.status == .created)
            #expect(created["metadata"] == .object(["year": .int(2020)]))
            #expect(created["author"] == .string("Ada") && created["document_type"] == .string("article"))
            #expect(created["source_url"] == .string("https://example.org/paper") && created["tags"] == .array([.string("ann"), .string("graphs")]))
            _ = try await api.addDocument(library, #"{"id": "plain", "text": "nearest neighbours", "metadata": {"year": 2021}}"#)
            let plain = try await api.call(.get, "/v1/libraries/\(library)/documents/plain")
            #expect(plain["author"] == nil && plain["tags"] == nil)

            func ids(_ filter: String) async throws -> [String] {
                let reply = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "neighbours", "k": 5, "filter": \#(filter)}"#)
                #expect(reply.status == .ok, "\(String(describing: reply.json))")
                return (reply["results"]?.array ?? []).compactMap { $0.object?["document_id"]?.string }
            }
            #expect(try await ids(#"{"tags": {"$contains": "graphs"}}"#) == ["paper"])
            #expect(try await ids(#"{"author": "Ada", "year": 2020}"#) == ["paper"])
            #expect(try await ids(#"{"author": {"$exists": false}}"#) == ["plain"])
            let filtered = try await api.call(.post, "/v1/libraries/\(library)/search/filtered", #"""
                {"query": "neighbours", "metadata_filters": [{"field": "document_type", "operator": "eq", "value": "article"}]}
                """#)
            #expect(filtered["results"]?.array?.compactMap { $0.object?["document_id"]?.string } == ["paper"])
        }
    }

    @Test("bad fields are a 400 naming them; user metadata may not hold the reserved NUL-prefixed keys")
    func checked() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary("checked")
            let path = "/v1/libraries/\(library)/documents"
            try await api.call(.post, path, #"{"text": "x", "author": 5}"#).expectError(.badRequest, "validation_error", field: "author")
            try await api.call(.post, path, #"{"text": "x", "tags": "one"}"#).expectError(.badRequest, "validation_error", field: "tags")
            try await api.call(.post, path, #"{"text": "x", "tags": ["a", 1]}"#).expectError(.badRequest, "validation_error", field: "tags[1]")
            let many = (0...OriginalFields.maxTags).map { "\"t\($0)\"" }.joined(separator: ",")
            try await api.call(.post, path, #"{"text": "x", "tags": [\#(many)]}"#).expectError(.badRequest, "limit_exceeded", field: "tags")
            let long = String(repeating: "a", count: OriginalFields.maxLength + 1)
            try await api.call(.post, path, #"{"text": "x", "source_url": "\#(long)"}"#).expectError(.badRequest, "limit_exceeded", field: "source_url")
            try await api.call(.post, path, #"{"text": "x", "metadata": {"\u0000original": {"author": "forged"}}}"#)
                .expectError(.badRequest, "validation_error", field: "metadata")
            #expect(try await api.counts(library)["document_count"] == .int(0))
        }
    }

    @Test("events carry the fields beside metadata; an export line reads back as the same document")
    func eventsAndExports() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 8))
        try await withAPI(testConfiguration(), database: database) { api in
            let library = try await api.createLibrary("events")
            _ = try await api.call(.post, "/v1/libraries/\(library)/documents", Self.document)
            let document = try database.document(libraryId: library, documentId: "paper")
            #expect(document.metadata == ["year": .int(2020)] && document.fields["author"] == .string("Ada"))
            let line = DocumentJSON.exportLine(document)
            #expect(line.object?["tags"] == .array([.string("ann"), .string("graphs")]) && line.object?["metadata"] == .object(["year": .int(2020)]))
            let reread = try DocumentJSON.draft(line, limits: database.limits)
            #expect(reread.fields == document.fields && reread.metadata == document.metadata)
            let subscription = try database.subscribe(filter: EventFilter(kinds: [.documentAdded]), since: 0, queueLimit: 16)
            var events = subscription.makeAsyncIterator()
            let event = try #require(try await events.next())
            subscription.cancel()
            #expect(event.data["author"] == .string("Ada") && event.data["metadata"] == .object(["year": .int(2020)]))
        }
    }

    @Test("the fields outlive a snapshot and a replay of the log")
    func durable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arrw-fields-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = testConfiguration { $0.dataDirectory = directory }
        let logger = Logger(label: "test")
        let (first, _) = try ArrwServer.openDatabase(configuration: configuration, logger: logger)
        let library = try await first.createLibrary(Database.LibraryDraft(name: "durable")).id.uuidString.lowercased()
        _ = try await first.addDocument(libraryId: library, try DocumentJSON.draft(try JSONValue.parse(Array(Self.document.utf8)), limits: first.limits))
        try first.writeSnapshot()
        var later = try DocumentJSON.draft(try JSONValue.parse(Array(Self.document.utf8)), limits: first.limits)
        later.id = "later"
        later.fields["author"] = .string("Grace")
        _ = try await first.addDocument(libraryId: library, later)
        try first.close()

        let (second, _) = try ArrwServer.openDatabase(configuration: configuration, logger: logger)
        defer { try? second.close() }
        #expect(try second.document(libraryId: library, documentId: "paper").fields["author"] == .string("Ada"))
        let replayed = try second.document(libraryId: library, documentId: "later")
        #expect(replayed.fields["author"] == .string("Grace") && replayed.metadata == ["year": .int(2020)])
    }
}
