import ArrwEngine
import Hummingbird
import Testing

@Suite struct DocumentRouteTests {
    @Test func addGetReplaceDelete() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let added = try await api.call(
                .post, "/v1/libraries/\(lib)/documents",
                #"{"id": "doc-1", "title": "T", "text": "hello world", "metadata": {"lang": "en"}}"#)
            #expect(added.status == .created)
            #expect(added["id"] == .string("doc-1"))
            #expect(added["library_id"] == .string(lib))
            let chunk = try #require(added["chunks"]?.array?.first?.object)
            #expect(chunk["text"] == .string("hello world"))
            #expect(chunk["embedding"] == nil)

            let fetched = try await api.call(.get, "/v1/libraries/\(lib)/documents/doc-1?include_embeddings=true")
            #expect(fetched.status == .ok)
            #expect(fetched["chunks"]?.array?.first?.object?["embedding"]?.array?.count == 64)
            try await api.call(.get, "/v1/libraries/\(lib)/documents/nope").expectError(.notFound, "document_not_found")

            let replaced = try await api.call(.put, "/v1/libraries/\(lib)/documents/doc-1", #"{"title": "T2", "texts": ["a", "b"]}"#)
            #expect(replaced.status == .ok)
            #expect(replaced["title"] == .string("T2"))
            #expect(replaced["chunks"]?.array?.count == 2)
            let upserted = try await api.call(.put, "/v1/libraries/\(lib)/documents/doc-2", #"{"text": "new"}"#)
            #expect(upserted.status == .created)
            try await api.call(.put, "/v1/libraries/\(lib)/documents/doc-2", #"{"id": "other", "text": "x"}"#)
                .expectError(.badRequest, "validation_error")
            #expect(try await api.counts(lib)["chunk_count"] == .int(3))

            #expect(try await api.call(.delete, "/v1/libraries/\(lib)/documents/doc-1").status == .noContent)
            try await api.call(.delete, "/v1/libraries/\(lib)/documents/doc-1").expectError(.notFound, "document_not_found")
            #expect(try await api.counts(lib)["document_count"] == .int(1))
        }
    }

    @Test func everyInputFormAndDuplicateIds() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            try await api.addDocument(lib, #"{"title": "a", "text": "one"}"#)
            try await api.addDocument(lib, #"{"title": "b", "texts": ["two", "three"]}"#)
            try await api.addDocument(lib, #"{"id": "c", "chunks": [{"text": "four", "metadata": {"x": 1}}]}"#)
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"id": "c", "text": "again"}"#)
                .expectError(.conflict, "duplicate_document")
            let counts = try await api.counts(lib)
            #expect(counts["document_count"] == .int(3))
            #expect(counts["chunk_count"] == .int(4))
            #expect(counts["dimension"] == .int(64))
        }
    }

    @Test func listingPagesWithLimitAndCursor() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            for index in 0..<25 { try await api.addDocument(lib, #"{"id": "d\#(index)", "text": "text \#(index)"}"#) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await api.call(.get, "/v1/libraries/\(lib)/documents?limit=10\(query)")
                #expect(page.status == .ok)
                seen += page["documents"]?.array?.compactMap { $0.object?["id"]?.string } ?? []
                #expect(page.json?.object?.keys.contains("next_cursor") == true)
                cursor = page["next_cursor"]?.string
            } while cursor != nil
            #expect(seen == (0..<25).map { "d\($0)" })
            try await api.call(.get, "/v1/libraries/\(lib)/documents?limit=0").expectError(.badRequest, "limit_exceeded")
            try await api.call(.get, "/v1/libraries/\(lib)/documents?limit=abc").expectError(.badRequest, "validation_error")
            try await api.call(.get, "/v1/libraries/\(lib)/documents?cursor=zz").expectError(.badRequest, "validation_error")
            try await api.call(.get, "/v1/libraries/\(lib)/documents?include_embeddings=maybe").expectError(.badRequest)
        }
    }

    @Test func batchAddAndBatchDeleteReportPerItem() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let batch = try await api.call(
                .post, "/v1/libraries/\(lib)/documents/batch",
                #"{"documents": [{"id": "a", "text": "x"}, {"title": "no text"}, {"id": "b", "texts": ["y", "z"]}, {"id": "a", "text": "dup"}]}"#)
            #expect(batch.status == .ok)
            #expect(batch["successful"] == .int(2))
            #expect(batch["failed"] == .int(2))
            let results = try #require(batch["results"]?.array?.compactMap { $0.object })
            #expect(results.map { $0["line"] } == [.int(1), .int(2), .int(3), .int(4)])
            #expect(results[0]["document_id"] == .string("a"))
            #expect(results[1]["error"]?.object?["code"] == .string("validation_error"))
            #expect(results[3]["error"]?.object?["code"] == .string("duplicate_document"))
            #expect(try await api.counts(lib)["document_count"] == .int(2))

            let deleted = try await api.call(.delete, "/v1/libraries/\(lib)/documents/batch", #"{"document_ids": ["a", "ghost"]}"#)
            #expect(deleted.status == .ok)
            #expect(deleted["successful"] == .int(1))
            #expect(deleted["failed"] == .int(1))
            #expect(try await api.counts(lib)["document_count"] == .int(1))
            try await api.call(.delete, "/v1/libraries/\(lib)/documents/batch", #"{"document_ids": []}"#).expectError(.badRequest)
            try await api.call(.post, "/v1/libraries/\(lib)/documents/batch", #"{"docs": []}"#).expectError(.badRequest, "validation_error")
        }
    }
}
