import ArrwEngine
import ArrwServer
import ArrwTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /metrics`: Prometheus text with the library, document and vector totals under the
/// original arrwDB's names and each library's fresh tail, builder rate and index memory.
@Suite struct MetricsRouteTests {
    /// The body of `GET /metrics`, with its status and content type.
    static func scrape(_ api: API) async throws -> (HTTPResponse.Status, String?, String) {
        try await api.client.execute(uri: "/metrics", method: .get, headers: [:], body: nil) { response in
            (response.status, response.headers[.contentType], String(decoding: response.body.readableBytesView, as: UTF8.self))
        }
    }

    /// The value of the sample `series` (a name with its labels), or nil when absent.
    static func sample(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test("totals and per-library index gauges read from the engine at each scrape; a deleted library's series go")
    func gauges() async throws {
        try await withAPI { api in
            let id = try await api.createLibrary("metered", extra: #", "index_type": "hnsw", "dimension": 3"#)
            let documents = (0..<40).map { #"{"id": "d\#($0)", "chunks": [{"text": "", "embedding": [\#($0 + 1), 1, 2]}, {"text": "", "embedding": [1, \#($0), 2]}]}"# }
            #expect(try await api.call(.post, "/v1/libraries/\(id)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)["successful"] == .int(40))

            let (status, type, text) = try await Self.scrape(api)
            #expect(status == .ok)
            #expect(type?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(Self.sample(text, "vectordb_libraries_total") == 1)
            #expect(Self.sample(text, "vectordb_documents_total") == 40)
            #expect(Self.sample(text, "vectordb_vectors_total") == 80)
            let pending = try #require(Self.sample(text, #"arrwdb_index_pending_vectors{library_id="\#(id)"}"#))
            #expect((0...80).contains(pending))
            #expect((Self.sample(text, #"arrwdb_index_memory_bytes{library_id="\#(id)"}"#) ?? 0) > 0)
            #expect(Self.sample(text, #"arrwdb_index_build_vectors_per_second{library_id="\#(id)"}"#) != nil)
            #expect(text.contains("# HELP vectordb_vectors_total") && text.contains("# TYPE arrwdb_index_pending_vectors gauge"))

            #expect(try await api.call(.delete, "/v1/libraries/\(id)").status == .noContent)
            let (_, _, after) = try await Self.scrape(api)
            #expect(Self.sample(after, "vectordb_libraries_total") == 0)
            #expect(!after.contains(id), "the deleted library's series are gone")
        }
    }

    @Test("every request is counted and timed by method, route template and status; paths no route matches share one")
    func requests() async throws {
        try await withAPI { api in
            let id = try await api.createLibrary("counted", extra: #", "dimension": 2"#)
            for _ in 0..<3 {
                #expect(try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query_vector": [1, 0], "k": 1}"#).status == .ok)
            }
            #expect(try await api.call(.get, "/v1/libraries/00000000-0000-0000-0000-000000000000").status == .notFound)
            #expect(try await api.call(.get, "/no/such/path/\(id)").status == .notFound)

            let (_, _, text) = try await Self.scrape(api)
            let search = #"method="POST",route="/v1/libraries/{id}/search""#
            #expect(Self.sample(text, #"arrwdb_http_requests_total{\#(search),status="200"}"#) == 3)
            #expect(Self.sample(text, #"arrwdb_http_request_duration_seconds_count{\#(search)}"#) == 3)
            #expect((Self.sample(text, #"arrwdb_http_request_duration_seconds_sum{\#(search)}"#) ?? -1) > 0)
            #expect(Self.sample(text, #"arrwdb_http_requests_total{method="GET",route="/v1/libraries/{id}",status="404"}"#) == 1)
            #expect(Self.sample(text, #"arrwdb_http_requests_total{method="GET",route="NotFound",status="404"}"#) == 1)
            #expect(!text.contains("/no/such/path"), "a path no route matches never becomes a label")
            #expect(text.contains("# TYPE arrwdb_http_request_duration_seconds histogram"))
        }
    }

    @Test("the original's counters and histograms follow searches, writes, deletes, embeddings and a rebuild; the engine's gauges are read at scrape time")
    func engineActivity() async throws {
        try await withAPI { api in
            let id = try await api.createLibrary("busy", extra: #", "index_type": "brute_force""#)
            let library = "/v1/libraries/\(id)"
            try await api.addDocument(id, #"{"id": "a", "text": "alpha"}"#)
            try await api.addDocument(id, #"{"id": "b", "chunks": [{"text": "beta one"}, {"text": "beta two"}]}"#)
            #expect(try await api.call(.post, library + "/documents/batch", #"{"documents": [{"id": "c", "text": "gamma"}, {"text": 3}]}"#)["successful"] == .int(1))
            #expect(try await api.call(.put, library + "/documents/a", #"{"text": "alpha again"}"#).status == .ok)
            for _ in 0..<2 { #expect(try await api.call(.post, library + "/search", #"{"query": "beta", "k": 2}"#).status == .ok) }
            #expect(try await api.call(.post, library + "/search/hybrid", #"{"query": "beta", "k": 2}"#).status == .ok)
            #expect(try await api.call(.delete, library + "/documents/b").status == .noContent)
            let job = try #require(try await api.call(.post, "/v1/jobs/index_rebuild", #"{"library_id": "\#(id)", "index_type": "hnsw"}"#)["job_id"]?.string)
            for _ in 0..<1000 where try await api.call(.get, "/v1/jobs/\(job)")["status"] != .string("completed") {
                try await Task.sleep(for: .milliseconds(10))
            }

            let (_, _, text) = try await Self.scrape(api)
            #expect(Self.sample(text, #"vectordb_searches_total{library_id="\#(id)",index_type="brute_force"}"#) == 3, "searched before the rebuild")
            #expect(Self.sample(text, "vectordb_search_duration_seconds_count") == 3)
            #expect(Self.sample(text, "vectordb_documents_added_total") == 3, "a, b and c; the PUT replaced a")
            #expect(Self.sample(text, "vectordb_vectors_added_total") == 5, "1 + 2 + 1, and a's new vector")
            #expect(Self.sample(text, "vectordb_documents_deleted_total") == 1)
            #expect(Self.sample(text, "vectordb_vectors_deleted_total") == 3, "b's two, and a's old vector")
            #expect((Self.sample(text, "vectordb_embedding_duration_seconds_count") ?? 0) >= 4)
            #expect((Self.sample(text, "arrwdb_embedding_batch_texts_sum") ?? 0) >= 5)
            #expect(Self.sample(text, "vectordb_index_rebuild_duration_seconds_count") == 1)
            #expect(Self.sample(text, #"arrwdb_jobs_in_state{status="completed"}"#) == 1)
            #expect((Self.sample(text, "arrwdb_events_published_total") ?? 0) >= 6)
            #expect(Self.sample(text, "arrwdb_events_subscribers") == 0)
            #expect((Self.sample(text, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect(Self.sample(text, "vectordb_documents_total") == 2)
            #expect(text.contains("# TYPE vectordb_searches_total counter") && text.contains("# TYPE vectordb_search_duration_seconds histogram"))
            #expect(text.contains("# TYPE vectordb_libraries_total untyped"), "a count that can fall, under a name ending in _total")
        }
    }

    @Test("a live server counts its open connections and WebSocket sessions")
    func connectionsAndSessions() async throws {
        try await withAPI(setup: .live) { api in
            let id = try await api.createLibrary("sessions", extra: #", "dimension": 2"#)
            let socket = try await RawWebSocket.connect(port: try #require(api.client.port), path: "/v1/libraries/\(id)/ws")
            #expect(try await socket.sendText(#"{"request_id": "p", "action": "ping"}"#))
            let (_, _, text) = try await Self.scrape(api)
            #expect(Self.sample(text, "arrwdb_websocket_sessions") == 1)
            #expect((Self.sample(text, "arrwdb_connections_open") ?? 0) >= 2, "the test client's and the WebSocket's")
            #expect(Self.sample(text, "arrwdb_websocket_dropped_total") == 0)
            #expect(Self.sample(text, "arrwdb_connections_refused_total") == 0)
        }
    }

    @Test("with METRICS_ENABLED=false nothing is counted or timed, and the scrape-time gauges are still served")
    func disabled() async throws {
        try await withAPI(testConfiguration { $0.metricsEnabled = false }) { api in
            let id = try await api.createLibrary("quiet", extra: #", "dimension": 2"#)
            #expect(try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query_vector": [1, 0], "k": 1}"#).status == .ok)
            let (status, _, text) = try await Self.scrape(api)
            #expect(status == .ok && Self.sample(text, "vectordb_libraries_total") == 1)
            #expect(!text.contains("vectordb_searches_total") && !text.contains("arrwdb_http_requests_total"))
        }
    }
}
