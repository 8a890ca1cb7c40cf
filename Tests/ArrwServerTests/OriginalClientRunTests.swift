import ArrwEngine
import ArrwServer
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Testing

/// One whole run of a client written against the original arrwDB, end to end over real
/// sockets, reading only the shapes that server answered: NDJSON ingest, batch add (with the
/// original's `author`, `document_type`, `source_url`, `tags`) and delete,
/// streamed, filtered and embedding search, SSE on the old path and the event statistics, a
/// WebSocket session in the original's dialect (search, add, its event), jobs on the hyphenated
/// routes with the queue statistics, and the index rebuild and optimize routes.
@Suite struct OriginalClientRunTests {
    static let topics = ["vectors", "cooking", "astronomy"]

    @Test("an original client's whole run, end to end")
    func wholeRun() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            let port = try #require(api.client.port)
            let created = try await api.call(.post, "/v1/libraries", #"{"name": "original-run", "description": "played by an old client"}"#)
            #expect(created.status == .created && created["num_documents"] == .int(0))
            let library = try #require(created["id"]?.string)
            let base = "/v1/libraries/\(library)"

            // NDJSON ingest, as the original README's curl upload.
            let lines = (1...12).map { n in
                #"{"title": "Doc \#(n)", "text": "note \#(n) about \#(Self.topics[n % 3])", "metadata": {"topic": "\#(Self.topics[n % 3])", "n": \#(n)}}"#
            }
            let upload = try await api.postNDJSON(base + "/documents/stream", lines.joined(separator: "\n"))
            #expect(upload["successful"] == .int(12) && upload.batchResults.allSatisfy { $0["success"] == .bool(true) })

            // Batch add with the original's answer fields.
            let batch = try await api.call(.post, base + "/documents/batch", #"""
                {"documents": [{"id": "extra-1", "title": "Extra", "texts": ["first part about vectors", "second part"], "metadata": {"topic": "vectors", "n": 100},
                                "author": "Ada", "document_type": "notes", "source_url": "https://example.org/extra", "tags": ["ann", "draft"]},
                               {"id": "extra-2", "title": "Broken"}]}
                """#)
            #expect(batch["total_requested"] == .int(2) && batch["total_chunks_added"] == .int(2) && batch["successful"] == .int(1))
            #expect(batch["results"]?.array?.map { $0.object?["success"] } == [.bool(true), .bool(false)])
            #expect(batch["results"]?.array?.last?.object?["error"]?.object?["error_type"] == .string("ValidationError"))

            let extraDocument = try await api.call(.get, "/v1/documents/extra-1")
            #expect(extraDocument["author"] == .string("Ada") && extraDocument["tags"] == .array([.string("ann"), .string("draft")]))
            #expect(extraDocument["metadata"] == .object(["topic": .string("vectors"), "n": .int(100)]))

            // Streamed search: one result per line, then the summary.
            let streamed = try await api.client.execute(
                uri: base + "/search/stream", method: .post,
                headers: [.contentType: "application/json", .accept: "application/x-ndjson"],
                body: ByteBuffer(string: #"{"query": "note about astronomy", "k": 5}"#)
            ) { response in
                try String(buffer: response.body).split(separator: "\n").map { try JSONValue.parse(Array($0.utf8)) }
            }
            #expect(streamed.count == 6 && streamed.last?.object?["summary"]?.object?["total"] == .int(5))
            #expect(streamed.dropLast().allSatisfy { $0.object?["document_title"]?.string?.isEmpty == false })

            // Filtered search: every metadata filter holds.
            let filtered = try await api.call(.post, base + "/search/filtered", #"""
                {"query": "note", "k": 20, "metadata_filters": [{"field": "topic", "operator": "eq", "value": "cooking"}, {"field": "n", "operator": "gt", "value": 3}]}
                """#)
            let cooking = try #require(filtered["results"]?.array)
            #expect(cooking.count == 3 && filtered["total_results"] == .int(3))
            #expect(cooking.allSatisfy { $0.object?["chunk"]?.object?["chunk_index"] == .int(0) })

            let tagged = try await api.call(.post, base + "/search/filtered", #"""
                {"query": "note", "k": 20, "metadata_filters": [{"field": "tags", "operator": "contains", "value": "draft"}, {"field": "author", "operator": "eq", "value": "Ada"}]}
                """#)
            #expect(tagged["results"]?.array?.compactMap { $0.object?["document_id"]?.string } == ["extra-1", "extra-1"])

            // Embedding search with a stored vector: its document comes first.
            let extra = try await api.call(.get, "/v1/documents/extra-1?include_embeddings=true")
            let vector = try #require(extra["chunks"]?.array?.first?.object?["embedding"])
            let byVector = try await api.call(.post, base + "/search/embedding", #"{"embedding": \#(APIResponseText.of(vector)), "k": 3}"#)
            #expect(byVector["results"]?.array?.first?.object?["document_id"] == .string("extra-1"))
            #expect((byVector["results"]?.array?.first?.object?["distance"]?.number ?? 1) < 1e-5)

            // SSE on the old path, and the event statistics.
            try await HTTPClient.withHTTPClient { http in
                let sse = SSEClient(client: http, baseURL: "http://127.0.0.1:\(port)")
                let frames = try await sse.frames(14, path: "/v1/events/stream", query: "?since=0&library_id=\(library)")
                #expect(frames.frames.first?.event == "library.created")
                #expect(frames.frames.dropFirst().allSatisfy { $0.event == "document.added" })
            }
            let stats = try await api.call(.get, "/v1/events/stats")
            #expect((stats["total_published"]?.number ?? 0) >= 14 && stats["running"] == .bool(true) && stats["subscriber_count"] != nil)

            // A WebSocket session in the original's dialect.
            let messages = ReplyBox()
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(base)/ws", logger: Logger(label: "original-client")) { inbound, outbound, _ in
                var iterator = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                try await outbound.write(.text(#"{"type": "request", "request_id": "q", "action": "search", "data": {"query_text": "note about vectors", "k": 2}}"#))
                try await outbound.write(.text(#"{"type": "request", "request_id": "a", "action": "add", "data": {"title": "Live", "text": "added live about vectors", "metadata": {"topic": "vectors"}}}"#))
                while messages.count < 4, case .text(let text)? = try await iterator.next() {
                    messages.append(try JSONValue.parse(Array(text.utf8)))
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let received = messages.values.compactMap(\.object)
            let answerIndex = try #require(received.firstIndex { $0["request_id"] == .string("a") })
            let addEvent = try #require(received.firstIndex { $0["event_type"] == .string("document.added") })
            #expect(answerIndex < addEvent, "the add's answer comes before its event")
            #expect(received[answerIndex]["data"]?.object?["document"]?.object?["num_chunks"] == .int(1))
            let search = try #require(received.first { $0["request_id"] == .string("q") })
            #expect(search["type"] == .string("response") && search["data"]?.object?["results"]?.array?.first?.object?["text"]?.string != nil)

            // Jobs on the hyphenated routes, and the queue statistics.
            let submitted = try await api.call(.post, "/v1/jobs/batch-import", #"""
                {"library_id": "\#(library)", "documents": [{"id": "imported", "title": "Imported", "text": "imported about astronomy"}]}
                """#)
            #expect(submitted.status == .ok && submitted["message"]?.string != nil)
            let jobId = try #require(submitted["job_id"]?.string)
            var job = try await api.call(.get, "/v1/jobs/\(jobId)")
            for _ in 0..<500 where job["status"] != .string("completed") {
                try await Task.sleep(for: .milliseconds(10))
                job = try await api.call(.get, "/v1/jobs/\(jobId)")
            }
            #expect(job["status"] == .string("completed") && job["job_type"] == .string("batch_import"))
            let queue = try await api.call(.get, "/v1/jobs/stats/queue")
            #expect((queue["completed_jobs"]?.number ?? 0) >= 1 && queue["running"] == .bool(true))

            // Index rebuild and optimize, answered when done.
            let documents = 12 + 1 + 1 + 1
            let rebuilt = try await api.call(.post, base + "/index/rebuild", #"{"index_type": "hnsw", "index_config": {"M": 8}}"#)
            #expect(rebuilt.status == .ok && rebuilt["new_index_type"] == .string("hnsw") && rebuilt["total_vectors_reindexed"] == .int(Int64(documents + 1)))
            let optimized = try await api.call(.post, base + "/index/optimize")
            #expect(optimized.status == .ok && optimized["library_id"] == .string(library) && optimized["job_id"]?.string != nil)

            // Batch delete by ids alone, then the library as the original listed it.
            let deleted = try await api.call(.delete, "/v1/documents/batch", #"{"document_ids": ["extra-1", "imported", "missing"]}"#)
            #expect(deleted["successful"] == .int(2) && deleted["failed"] == .int(1) && deleted["total_requested"] == .int(3))
            let info = try await api.call(.get, base)
            #expect(info["num_documents"] == .int(Int64(documents - 2)) && info["documents"]?.array?.count == documents - 2)
            #expect(info["index_type"] == .string("hnsw") && info["documents_truncated"] == .bool(false))
        }
    }
}

/// A JSON value as the compact text a client would send.
enum APIResponseText {
    static func of(_ value: JSONValue) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }
}
