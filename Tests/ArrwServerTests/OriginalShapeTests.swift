import ArrwEmbedding
import ArrwEngine
import ArrwServer
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The fields and routes the original arrwDB answered that clients written against it read,
/// beside ours: system routes, `error_type`, chunk positions, titles and counts under the
/// original's names, `chunk_index` filters, the SSE stream's old path and its statistics.
@Suite struct OriginalShapeTests {
    @Test("/, /liveness and /ping answer; /health carries a timestamp")
    func systemRoutes() async throws {
        try await withAPI { api in
            let root = try await api.call(.get, "/")
            #expect(root.status == .ok && root["name"] == .string("arrwDB") && root["docs"] == .string("/docs") && root["health"] == .string("/health"))
            #expect(root["version"] == .string(ArrwServer.version))
            let liveness = try await api.call(.get, "/liveness")
            #expect(liveness.status == .ok && liveness["status"] == .string("alive") && liveness["timestamp"]?.string != nil)
            #expect(try await api.call(.get, "/ping")["message"] == .string("pong"))
            let health = try await api.call(.get, "/health")
            #expect(health["status"] == .string("healthy"))
            let stamp = try #require(health["timestamp"]?.string)
            #expect(try Date(stamp, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)).timeIntervalSinceNow.magnitude < 60)
        }
    }

    @Test("every error envelope carries the original's error_type beside our code")
    func errorTypes() async throws {
        try await withAPI { api in
            let missing = "00000000-0000-0000-0000-000000000000"
            let noLibrary = try await api.call(.get, "/v1/libraries/\(missing)")
            noLibrary.expectError(.notFound, "library_not_found")
            #expect(noLibrary["error"]?.object?["error_type"] == .string("LibraryNotFoundError"))
            let library = try await api.createLibrary("errors")
            let noDocument = try await api.call(.get, "/v1/libraries/\(library)/documents/nope")
            #expect(noDocument["error"]?.object?["error_type"] == .string("DocumentNotFoundError"))
            _ = try await api.addDocument(library, #"{"chunks": [{"text": "a", "embedding": [1, 0, 0]}]}"#)
            let wrongLength = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query_vector": [1, 0], "k": 1}"#)
            wrongLength.expectError(.badRequest, "dimension_mismatch")
            #expect(wrongLength["error"]?.object?["error_type"] == .string("DimensionMismatchError"))
            let invalid = try await api.call(.post, "/v1/libraries", #"{"name": 5}"#)
            #expect(invalid.status == .badRequest && invalid["error"]?.object?["error_type"] == .string("ValidationError"))
            let noRoute = try await api.call(.get, "/v1/nowhere")
            #expect(noRoute.status == .notFound && noRoute["error"]?.object?["error_type"] == .string("NotFoundError"))
        }
    }

    @Test("chunks answer chunk_index and source_document_id; chunk_index filters; results carry document_title and total_results; libraries num_documents and embedding_dimension")
    func documentAndSearchFields() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary("shapes")
            _ = try await api.addDocument(library, #"""
                {"id": "guide", "title": "The Guide", "chunks": [
                    {"text": "first", "embedding": [1, 0, 0]}, {"text": "second", "embedding": [0.9, 0.1, 0]},
                    {"text": "third", "embedding": [0.8, 0.2, 0]}]}
                """#)
            _ = try await api.addDocument(library, #"{"id": "other", "title": "Other", "chunks": [{"text": "x", "embedding": [0, 1, 0]}]}"#)
            let document = try await api.call(.get, "/v1/libraries/\(library)/documents/guide")
            let chunks = try #require(document["chunks"]?.array)
            #expect(chunks.map { $0.object?["chunk_index"] } == [.int(0), .int(1), .int(2)])
            #expect(chunks.allSatisfy { $0.object?["source_document_id"] == .string("guide") })

            let search = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query_vector": [1, 0, 0], "k": 4}"#)
            let results = try #require(search["results"]?.array)
            #expect(search["total_results"] == .int(4) && search["total"] == .int(4))
            #expect(results.first?.object?["document_title"] == .string("The Guide"))
            #expect(results.last?.object?["document_title"] == .string("Other"))

            let filtered = try await api.call(
                .post, "/v1/libraries/\(library)/search", #"{"query_vector": [1, 0, 0], "k": 4, "filter": {"chunk_index": {"$gte": 1}}}"#)
            let texts = try #require(filtered["results"]?.array).compactMap { $0.object?["chunk"]?.object?["text"]?.string }
            #expect(texts == ["second", "third"])

            let info = try await api.call(.get, "/v1/libraries/\(library)")
            #expect(info["num_documents"] == .int(2) && info["document_count"] == .int(2) && info["embedding_dimension"] == .int(3))
        }
    }

    @Test("the SSE stream answers under /v1/events/stream; event stats carry the original's counters")
    func eventStreamOldPath() async throws {
        try await withAPI(database: Database(embedder: HashEmbedder(dimension: 8)), setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("old-path")
            _ = try await api.addDocument(library, #"{"id": "d1", "chunks": [{"text": "x", "embedding": [1, 0, 0]}]}"#)
            try await HTTPClient.withHTTPClient { http in
                let sse = SSEClient(client: http, baseURL: "http://127.0.0.1:\(port)")
                let stream = try await sse.frames(2, path: "/v1/events/stream", query: "?since=0&library_id=\(library)")
                #expect(stream.status == 200 && stream.frames.map(\.event) == ["library.created", "document.added"])
            }
            let stats = try await api.call(.get, "/v1/events/stats")
            #expect(stats["subscriber_count"] == stats["active_subscribers"] && stats["pending_events"] == stats["queue_size"])
            #expect(stats["total_errors"] == .int(0) && stats["running"] == .bool(true))
        }
    }
}
