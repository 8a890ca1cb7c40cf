import ArrwEmbedding
import ArrwEngine
import ArrwServer
import ArrwTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Testing

/// `WS /v1/libraries/{id}/ws`: every action, errors, events, and a client that never reads.
@Suite struct WebSocketTests {
    /// Sends each request in turn over one connection and returns the replies (and any event
    /// messages) parsed, stopping once `replies` messages arrived.
    func exchange(port: Int, library: String, _ requests: [String], replies: Int, between: (@Sendable () async throws -> Void)? = nil) async throws -> [JSONValue] {
        let collected = ReplyBox()
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/libraries/\(library)/ws", logger: Logger(label: "ws-test")) {
            inbound, outbound, _ in
            for request in requests { try await outbound.write(.text(request)) }
            var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
            while collected.count < replies, let message = try await messages.next() {
                if case .text(let text) = message { collected.append(try JSONValue.parse(Array(text.utf8))) }
                if collected.count == requests.count, let between { try await between() }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        return collected.values
    }

    @Test("every action answers with its request_id; errors are success false with the error object")
    func actions() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("ws", extra: #", "dimension": 3"#)
            let replies = try await exchange(port: port, library: library, [
                #"{"request_id": "p", "action": "ping"}"#,
                #"{"request_id": 7, "action": "add", "data": {"id": "a", "chunks": [{"text": "alpha", "embedding": [1, 0, 0]}]}}"#,
                #"{"request_id": "s", "action": "search", "data": {"query_vector": [1, 0, 0], "k": 3}}"#,
                #"{"request_id": "g", "action": "get", "data": {"document_id": "a"}}"#,
                #"{"request_id": "d", "action": "delete", "data": {"document_id": "a"}}"#,
                #"{"request_id": "g2", "action": "get", "data": {"document_id": "a"}}"#,
                #"{"request_id": "x", "action": "explode"}"#,
                #"{"request_id": "bad", "action": "search", "data": {"query_vector": [1, 0], "k": 3}}"#,
                "not json",
            ], replies: 9)
            let byId = Dictionary(replies.map { ($0.object?["request_id"] ?? .null, $0.object ?? [:]) }, uniquingKeysWith: { a, _ in a })
            #expect(byId[.string("p")]?["data"]?.object?["pong"] == .bool(true))
            #expect(byId[.int(7)]?["success"] == .bool(true) && byId[.int(7)]?["data"]?.object?["id"] == .string("a"))
            #expect(byId[.string("s")]?["data"]?.object?["results"]?.array?.count == 1)
            #expect(byId[.string("g")]?["data"]?.object?["chunks"]?.array?.count == 1)
            #expect(byId[.string("d")]?["data"]?.object?["deleted"] == .bool(true))
            #expect(byId[.string("g2")]?["success"] == .bool(false))
            #expect(byId[.string("g2")]?["error"]?.object?["code"] == .string("document_not_found"))
            #expect(byId[.string("x")]?["error"]?.object?["code"] == .string("unknown_action"))
            #expect(byId[.string("bad")]?["error"]?.object?["code"] == .string("dimension_mismatch"))
            #expect(byId[.null]?["error"]?.object?["code"] == .string("invalid_json"))
            #expect(replies.allSatisfy { $0.object?["error"] == .null || $0.object?["success"] == .bool(false) })
        }
    }

    @Test("search with mode hybrid answers fused results with their breakdown; an unknown mode is an error")
    func hybridSearch() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("hybrid")
            try await api.addDocument(library, #"{"id": "a", "text": "keyword search with BM25"}"#)
            try await api.addDocument(library, #"{"id": "b", "text": "cats and dogs"}"#)
            let replies = try await exchange(port: port, library: library, [
                #"{"request_id": "h", "action": "search", "data": {"mode": "hybrid", "query": "keyword search", "k": 2, "alpha": 0}}"#,
                #"{"request_id": "m", "action": "search", "data": {"mode": "lexical", "query": "x"}}"#,
            ], replies: 2)
            let byId = Dictionary(replies.map { ($0.object?["request_id"] ?? .null, $0.object ?? [:]) }, uniquingKeysWith: { a, _ in a })
            let results = byId[.string("h")]?["data"]?.object?["results"]?.array ?? []
            #expect(results.first?.object?["document_id"] == .string("a"))
            #expect(results.first?.object?["score_breakdown"]?.object?["keyword_rank"] == .int(1))
            #expect(byId[.string("m")]?["error"]?.object?["code"] == .string("validation_error"))
        }
    }

    @Test("a library's subscription receives the events of its jobs")
    func jobEvents() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("jobs", extra: #", "dimension": 3"#)
            try await api.addDocument(library, #"{"id": "a", "chunks": [{"text": "", "embedding": [1, 0, 0]}]}"#)
            let messages = try await exchange(
                port: port, library: library,
                [#"{"request_id": 1, "action": "subscribe", "data": {"event_types": ["job.created", "job.started", "job.completed"]}}"#],
                replies: 4
            ) {
                _ = try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": "\#(library)", "document_ids": ["a"]}"#)
            }
            let events = messages.dropFirst().compactMap { $0.object?["event"]?.object }
            #expect(events.map { $0["type"] } == [.string("job.created"), .string("job.started"), .string("job.completed")])
            #expect(events.allSatisfy { $0["library_id"] == .string(library) && $0["data"]?.object?["job_type"] == .string("batch_delete") })
        }
    }

    @Test("subscribe delivers this library's events; unknown libraries are refused before the upgrade")
    func subscribe() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("events", extra: #", "dimension": 3"#)
            let other = try await api.createLibrary("other", extra: #", "dimension": 3"#)
            let messages = try await exchange(
                port: port, library: library, [#"{"request_id": 1, "action": "subscribe", "data": {"event_types": ["document.added"]}}"#],
                replies: 2
            ) {
                try await api.addDocument(other, #"{"id": "elsewhere", "chunks": [{"text": "", "embedding": [1, 0, 0]}]}"#)
                try await api.addDocument(library, #"{"id": "here", "chunks": [{"text": "", "embedding": [1, 0, 0]}]}"#)
            }
            #expect(messages[0].object?["data"]?.object?["subscribed"] == .bool(true))
            let event = messages[1].object
            #expect(event?["type"] == .string("event"))
            #expect(event?["event"]?.object?["data"]?.object?["document_id"] == .string("here"))
            await #expect {
                try await RawWebSocket.connect(port: port, path: "/v1/libraries/\(UUID())/ws")
            } throws: { "\($0)".contains("HTTP/1.1 400") }
        }
    }

    @Test("with API_KEYS set, an upgrade without a key is refused (the WebSocket layer answers 400)")
    func upgradeNeedsAKey() async throws {
        try await withAPI(testConfiguration { $0.apiKeys = ["secret"] }, setup: .live) { api in
            let port = try #require(api.client.port)
            let created = try await api.call(.post, "/v1/libraries", #"{"name": "keyed"}"#, headers: [.authorization: "Bearer secret"])
            let library = try #require(created["id"]?.string)
            await #expect {
                _ = try await RawWebSocket.connect(port: port, path: "/v1/libraries/\(library)/ws")
            } throws: { "\($0)".contains("HTTP/1.1 400") }
        }
    }

    @Test("a client that never reads is closed with 1008 and a reason; the server and other clients carry on")
    func clientThatNeverReads() async throws {
        let configuration = testConfiguration { $0.webSocketOutboundLimit = 8 }
        try await withAPI(configuration, setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("slow", extra: #", "dimension": 64"#)
            for index in 0..<100 {
                let vector = (0..<64).map { String(Double(($0 * 7 + index) % 13) - 6) }.joined(separator: ",")
                try await api.addDocument(library, #"{"id": "d\#(index)", "chunks": [{"text": "\#(String(repeating: "x", count: 200))", "embedding": [\#(vector)]}]}"#)
            }
            let stuck = try await RawWebSocket.connect(port: port, path: "/v1/libraries/\(library)/ws")
            #expect(try await stuck.sendText(#"{"request_id": 0, "action": "subscribe"}"#))
            try await api.waitForSubscribers(1)
            let query = (0..<64).map { _ in "1" }.joined(separator: ",")
            let request = #"{"request_id": 1, "action": "search", "data": {"query_vector": [\#(query)], "k": 100, "include_embeddings": true}}"#
            // All from one thread: the server cuts a dropped client off `closeGrace` (10 s) after
            // the drop, which one thread hand-off per frame could outlast on a loaded machine.
            let sent = try await stuck.sendText(request, count: 2000)
            #expect(sent == 2000, "a dropped client's messages are read and ignored, so its sends never block or fail")
            try await api.waitForSubscribers(0)
            let healthy = try await exchange(port: port, library: library, [#"{"request_id": "ok", "action": "ping"}"#], replies: 1)
            #expect(healthy.first?.object?["success"] == .bool(true))
            let (bytes, closed) = await stuck.readToEnd(seconds: 10)
            #expect(closed, "the server closed the stuck client's connection")
            let frames = RawWebSocket.frames(in: bytes)
            #expect(frames.count > 1, "the replies the client had not read come first")
            let close = try #require(frames.last)
            #expect(close.closeCode == 1008, "the last frame is a close frame with 1008: \(close.opcode) \(close.payload.prefix(64))")
            #expect(close.closeReason?.contains("not reading") == true, "\(String(describing: close.closeReason))")
            #expect(frames.dropLast().allSatisfy { $0.opcode == 0x1 }, "only text frames before it")
        }
    }
}

/// Messages collected by a WebSocket handler, readable after it returns.
final class ReplyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [JSONValue] = []

    func append(_ value: JSONValue) { lock.withLock { items.append(value) } }
    var count: Int { lock.withLock { items.count } }
    var values: [JSONValue] { lock.withLock { items } }
}
