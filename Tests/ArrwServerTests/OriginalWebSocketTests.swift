import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Testing

/// The original arrwDB's WebSocket dialect: a connection whose first request carries
/// `"type": "request"` is subscribed at once; an `add` in the original's shape is answered
/// (with `data.document`) before its own event (with `event_type` and `library_id`); search
/// results are also flat (`metadata` merged over the document's, as filters see it); a malformed frame is `type: error` with `details`; and
/// `/v1/websockets/stats` counts the connection and its subscription.
@Suite struct OriginalWebSocketTests {
    @Test("the original's client: add answered before its event, flat search results, error frames, connection stats")
    func originalDialect() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            let port = try #require(api.client.port)
            let library = try await api.createLibrary("original-ws")
            let collected = ReplyBox()
            let stats = ReplyBox()
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/libraries/\(library)/ws", logger: Logger(label: "ws-test")) {
                inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                func next() async throws -> JSONValue {
                    guard case .text(let text)? = try await messages.next() else { throw CancellationError() }
                    let value = try JSONValue.parse(Array(text.utf8))
                    collected.append(value)
                    return value
                }
                for index in 0..<3 {
                    try await outbound.write(.text(
                        #"{"type": "request", "request_id": "add-\#(index)", "action": "add", "data": {"title": "Doc \#(index)", "text": "text number \#(index)", "metadata": {"n": \#(index)}}}"#))
                    _ = try await next()
                    _ = try await next()
                }
                try await outbound.write(.text(#"{"type": "request", "request_id": "s", "action": "search", "data": {"query_text": "text number 1", "k": 2}}"#))
                _ = try await next()
                #expect(try await next().object?["event_type"] == .string("search.performed"))
                try await outbound.write(.text("{not json"))
                _ = try await next()
                stats.append(try await api.call(.get, "/v1/websockets/stats").json ?? .null)
                try await outbound.close(.normalClosure, reason: nil)
            }
            let values = collected.values.compactMap(\.object)
            for index in 0..<3 {
                let reply = values[2 * index], event = values[2 * index + 1]
                #expect(reply["type"] == .string("response") && reply["request_id"] == .string("add-\(index)") && reply["success"] == .bool(true))
                let summary = reply["data"]?.object?["document"]?.object
                #expect(summary?["title"] == .string("Doc \(index)") && summary?["num_chunks"] == .int(1) && summary?["id"] == reply["data"]?.object?["id"])
                #expect(event["type"] == .string("event") && event["event_type"] == .string("document.added") && event["library_id"] == .string(library))
                #expect(event["event"]?.object?["data"]?.object?["document_id"] == summary?["id"], "the event after the answer is this add's")
            }
            let search = values[6]
            let first = try #require(search["data"]?.object?["results"]?.array?.first?.object)
            #expect(search["type"] == .string("response"))
            #expect(first["id"] == first["chunk"]?.object?["id"] && first["text"] == .string("text number 1") && first["metadata"] == .object(["n": .int(1)]))
            #expect(first["distance"]?.number != nil)
            let malformed = values[8]
            #expect(malformed["type"] == .string("error") && malformed["error"]?.object?["code"] == .string("invalid_json") && malformed["details"] != nil)
            let counts = try #require(stats.values.first?.object)
            #expect(counts["total_connections"] == .int(1) && counts["libraries_with_subscribers"] == .int(1))
            #expect(counts["subscriptions_by_library"] == .object([library: .int(1)]))
            for _ in 0..<100 where try await api.call(.get, "/v1/websockets/stats")["total_connections"] != .int(0) {
                try await Task.sleep(for: .milliseconds(20))
            }
            let after = try await api.call(.get, "/v1/websockets/stats")
            #expect(after["total_connections"] == .int(0) && after["subscriptions_by_library"] == .object([:]))
        }
    }
}
