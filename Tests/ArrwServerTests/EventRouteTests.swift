import ArrwEmbedding
import ArrwEngine
import ArrwServer
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `GET /v1/events` (SSE) and `/v1/events/stats` over a real socket.
@Suite struct EventRouteTests {
    /// Runs `body` with a live server over `database` and an HTTP client pointed at it.
    func withLiveServer(
        _ database: Database, configuration: ServerConfiguration = testConfiguration(),
        _ body: @Sendable @escaping (API, SSEClient) async throws -> Void
    ) async throws {
        try await withAPI(configuration, database: database, setup: .live) { api in
            let port = try #require(api.client.port)
            try await HTTPClient.withHTTPClient { http in
                try await body(api, SSEClient(client: http, baseURL: "http://127.0.0.1:\(port)"))
            }
        }
    }

    func addDocuments(_ api: API, _ library: String, _ range: Range<Int>) async throws {
        for index in range {
            try await api.addDocument(library, #"{"id": "d\#(index)", "chunks": [{"text": "x", "embedding": [1, \#(index), 0]}]}"#)
        }
    }

    @Test("disconnect, 100 writes, reconnect with Last-Event-ID: exactly the missed events, in order, none twice")
    func resumeAfterDisconnect() async throws {
        try await withLiveServer(Database(embedder: HashEmbedder(dimension: 8))) { api, sse in
            let library = try await api.createLibrary("sse")
            try await addDocuments(api, library, 0..<3)
            let first = try await sse.frames(4, query: "?since=0")
            #expect(first.status == 200)
            #expect(first.frames.map(\.id) == ["1", "2", "3", "4"])
            #expect(first.frames.map(\.event) == ["library.created", "document.added", "document.added", "document.added"])
            #expect(first.frames[1].json?.object?["data"]?.object?["document_id"] == .string("d0"))

            try await addDocuments(api, library, 3..<103)
            let resumed = try await sse.frames(100, lastEventId: "4")
            #expect(resumed.frames.map(\.id) == (5...104).map { String($0) })
            #expect(resumed.frames.map { $0.json?.object?["data"]?.object?["document_id"]?.string } == (3..<103).map { "d\($0)" })
        }
    }

    @Test("filters by library and type; search events are live and carry no id")
    func filters() async throws {
        try await withLiveServer(Database(embedder: HashEmbedder(dimension: 8))) { api, sse in
            let one = try await api.createLibrary("one")
            let two = try await api.createLibrary("two")
            try await addDocuments(api, one, 0..<2)
            try await addDocuments(api, two, 2..<4)
            async let searches = sse.frames(1, query: "?types=search.performed")
            try await api.waitForSubscribers(1)

            let filtered = try await sse.frames(2, query: "?since=0&library_id=\(two)&types=document.added")
            #expect(filtered.frames.map { $0.json?.object?["data"]?.object?["document_id"]?.string } == ["d2", "d3"])
            _ = try await api.call(.post, "/v1/libraries/\(one)/search", #"{"query_vector": [1, 0, 0], "k": 1}"#)
            let live = try await searches
            #expect(live.frames.first?.event == "search.performed" && live.frames.first?.id == nil)
        }
    }

    @Test("an idle stream sends keep-alive comments")
    func keepAlive() async throws {
        let configuration = testConfiguration { $0.sseKeepAliveSeconds = 1 }
        try await withLiveServer(Database(embedder: HashEmbedder(dimension: 8)), configuration: configuration) { _, sse in
            let response = try await sse.client.execute(HTTPClientRequest(url: "\(sse.baseURL)/v1/events"), timeout: .seconds(10))
            var text = ""
            let start = ContinuousClock.now
            for try await buffer in response.body {
                text += String(buffer: buffer)
                if text.contains(": keep-alive\n\n") { break }
            }
            #expect(text.contains(": keep-alive\n\n"))
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test("bad parameters are 400s, an expired resume point is 410; stats count subscribers and events")
    func errorsAndStats() async throws {
        try await withLiveServer(Database(embedder: HashEmbedder(dimension: 8), eventRetention: 4)) { api, sse in
            let library = try await api.createLibrary("small")
            try await addDocuments(api, library, 0..<10)
            #expect(try await sse.frames(1, query: "?types=document.exploded").status == 400)
            #expect(try await sse.frames(1, query: "?library_id=nope").status == 400)
            #expect(try await sse.frames(1, query: "?since=-1").status == 400)
            #expect(try await sse.frames(1, query: "?since=1").status == 410)
            let expired = try await api.call(.get, "/v1/events?since=1")
            expired.expectError(.gone, "resume_point_expired")
            let stats = try await api.call(.get, "/v1/events/stats")
            #expect(stats["total_published"] == .int(11) && stats["active_subscribers"] == .int(0))
            #expect(stats["total_delivered"] != nil && stats["queue_size"] != nil)
        }
    }

    @Test("after a restart, since delivers the changes made before it from the WAL")
    func resumeAcrossRestart() async throws {
        let directory = NSTemporaryDirectory() + "arrw-sse-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = testConfiguration { $0.dataDirectory = directory }
        let (first, _) = try ArrwServer.openDatabase(configuration: configuration, logger: Logger(label: "test"))
        try await withLiveServer(first) { api, _ in
            let library = try await api.createLibrary("durable")
            try await addDocuments(api, library, 0..<100)
        }
        try first.close()
        let (second, _) = try ArrwServer.openDatabase(configuration: configuration, logger: Logger(label: "test"))
        try await withLiveServer(second) { _, sse in
            let resumed = try await sse.frames(51, query: "?since=50")
            #expect(resumed.frames.map(\.id) == (51...101).map { String($0) })
        }
        try second.close()
    }
}
