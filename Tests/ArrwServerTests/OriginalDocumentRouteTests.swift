import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import Testing

/// The original arrwDB's document routes and batch answers: documents with their own vectors
/// (201), documents by id without their library (409 when several libraries hold the id), the
/// batch delete across libraries, and the batch answers' `success`, `total_requested`,
/// `total_chunks_added` and `processing_time_ms` (an upload's JSON answer: `success` only).
@Suite struct OriginalDocumentRouteTests {
    @Test("with-embeddings and batch-with-embeddings store brought vectors (201); a chunk without one is refused")
    func withEmbeddings() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary("brought")
            let one = try await api.call(
                .post, "/v1/libraries/\(library)/documents/with-embeddings",
                #"{"title": "one", "chunks": [{"text": "a", "embedding": [1, 0, 0]}, {"text": "b", "embedding": [0, 1, 0]}]}"#)
            #expect(one.status == .created && one["chunks"]?.array?.count == 2)
            try await api.call(
                .post, "/v1/libraries/\(library)/documents/with-embeddings", #"{"title": "bare", "chunks": [{"text": "no vector"}]}"#
            ).expectError(.badRequest, "validation_error", field: "chunks[0].embedding")

            let batch = try await api.call(.post, "/v1/libraries/\(library)/documents/batch-with-embeddings", #"""
                {"documents": [
                    {"id": "b1", "chunks": [{"text": "x", "embedding": [0, 0, 1]}, {"text": "y", "embedding": [1, 1, 0]}]},
                    {"id": "b2", "chunks": [{"text": "no vector"}]},
                    {"id": "b3", "chunks": [{"text": "z", "embedding": [1, 0, 1]}]}]}
                """#)
            #expect(batch.status == .created)
            #expect(batch["successful"] == .int(2) && batch["failed"] == .int(1) && batch["total_requested"] == .int(3))
            #expect(batch["total_chunks_added"] == .int(3) && (batch["processing_time_ms"]?.number ?? -1) >= 0)
            #expect(batch["results"]?.array?.map { $0.object?["success"] } == [.bool(true), .bool(false), .bool(true)])
            #expect(try await api.counts(library)["document_count"] == .int(3))
        }
    }

    @Test("the batch answers carry success per result and the original's totals; a streamed upload's JSON answer success per result")
    func batchAnswerFields() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary("batch")
            let batch = try await api.call(
                .post, "/v1/libraries/\(library)/documents/batch",
                #"{"documents": [{"id": "a", "texts": ["x", "y"]}, {"title": "no text"}, {"id": "b", "text": "z"}]}"#)
            #expect(batch.status == .ok)
            #expect(batch["total_requested"] == .int(3) && batch["total_chunks_added"] == .int(3))
            #expect(batch["results"]?.array?.map { $0.object?["success"] } == [.bool(true), .bool(false), .bool(true)])
            let stream = try await api.postNDJSON("/v1/libraries/\(library)/documents/stream", #"{"id": "s", "texts": ["p", "q"]}"# + "\n" + "{")
            #expect(stream["successful"] == .int(1) && stream["total_requested"] == nil)
            #expect(stream.batchResults.map { $0["success"] } == [.bool(true), .bool(false)])
            let deleted = try await api.call(.delete, "/v1/libraries/\(library)/documents/batch", #"{"document_ids": ["a", "ghost"]}"#)
            #expect(deleted["total_requested"] == .int(2) && deleted["total_chunks_added"] == nil && deleted["processing_time_ms"] != nil)
        }
    }

    @Test("a document by id alone: read and deleted from its library; an id two libraries hold is a 409 naming both")
    func documentsWithoutLibrary() async throws {
        try await withAPI { api in
            let first = try await api.createLibrary("first")
            let second = try await api.createLibrary("second")
            for library in [first, second] {
                _ = try await api.addDocument(library, #"{"id": "shared", "chunks": [{"text": "s", "embedding": [1, 0, 0]}]}"#)
            }
            _ = try await api.addDocument(first, #"{"id": "mine", "title": "Mine", "chunks": [{"text": "m", "embedding": [0, 1, 0]}]}"#)
            _ = try await api.addDocument(second, #"{"id": "yours", "chunks": [{"text": "y", "embedding": [0, 0, 1]}]}"#)

            let mine = try await api.call(.get, "/v1/documents/mine?include_embeddings=true")
            #expect(mine.status == .ok && mine["library_id"] == .string(first) && mine["title"] == .string("Mine"))
            #expect(mine["chunks"]?.array?.first?.object?["embedding"]?.array?.count == 3)
            let shared = try await api.call(.get, "/v1/documents/shared")
            shared.expectError(.conflict, "ambiguous_document")
            #expect(Set(shared["error"]?.object?["details"]?.object?["library_ids"]?.array?.compactMap(\.string) ?? []) == [first, second])
            try await api.call(.get, "/v1/documents/ghost").expectError(.notFound, "document_not_found")
            try await api.call(.delete, "/v1/documents/shared").expectError(.conflict, "ambiguous_document")

            #expect(try await api.call(.delete, "/v1/documents/mine").status == .noContent)
            try await api.call(.get, "/v1/libraries/\(first)/documents/mine").expectError(.notFound, "document_not_found")

            _ = try await api.addDocument(first, #"{"id": "again", "chunks": [{"text": "a", "embedding": [1, 1, 0]}, {"text": "b", "embedding": [1, 0, 1]}]}"#)
            let batch = try await api.call(.delete, "/v1/documents/batch", #"{"document_ids": ["again", "yours", "shared", "ghost"]}"#)
            #expect(batch.status == .ok)
            #expect(batch["total_requested"] == .int(4) && batch["successful"] == .int(2) && batch["failed"] == .int(2))
            let codes = batch["results"]?.array?.map { $0.object?["error"]?.object?["code"]?.string }
            #expect(codes == [nil, nil, "ambiguous_document", "document_not_found"])
            #expect(try await api.counts(first)["document_count"] == .int(1))
            #expect(try await api.counts(second)["document_count"] == .int(1))
            try await api.call(.delete, "/v1/documents/batch", #"{"document_ids": []}"#).expectError(.badRequest)
        }
    }
}
