import ArrwEngine
import ArrwServer
import ArrwTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Slow and stalled clients cannot hold the server: a head or body that stalls is cut with a
/// 408, an idle keep-alive connection is closed, connections beyond MAX_CONNECTIONS are refused
/// with a 503, while a body that keeps coming and a WebSocket are never cut; HTTP/1.0 clients
/// get HTTP/1.0 answers, streams without chunked encoding.
@Suite struct ConnectionGuardTests {
    static let configuration = testConfiguration {
        $0.requestReadTimeoutSeconds = 1
        $0.idleTimeoutSeconds = 1
        $0.maxConnections = 4
    }

    func port(_ api: API) throws -> Int { try #require(api.client.port) }

    @Test("a connection that sends nothing, half a head, or half a body is answered 408 request_timeout and closed")
    func stalledRequestsAreCut() async throws {
        try await withAPI(Self.configuration, setup: .live) { api in
            let port = try port(api)
            let silent = try RawHTTPConnection(port: port)
            let partialHead = try RawHTTPConnection(port: port)
            partialHead.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            let partialBody = try RawHTTPConnection(port: port)
            partialBody.send("POST /v1/libraries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
            for connection in [silent, partialHead, partialBody] {
                let (text, closed, elapsed) = await connection.readToEnd(seconds: 10)
                #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout") && text.contains(#""code":"request_timeout""#), "\(text)")
                #expect(closed && elapsed < .seconds(8), "cut after the 1 s read timeout (a loaded machine may lag), not left open: \(elapsed)")
            }
            let after = try RawHTTPConnection(port: port)
            after.send("GET /v1/libraries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let listing = await after.readToEnd(seconds: 10).text
            #expect(listing.hasPrefix("HTTP/1.1 200") && !listing.contains("\"name\""), "served, and nothing was stored: \(listing)")
        }
    }

    @Test("a body that keeps arriving, byte by byte for longer than the timeout, is read whole and answered")
    func slowButSteadyBodyIsServed() async throws {
        try await withAPI(testConfiguration { $0.requestReadTimeoutSeconds = 2 }, setup: .live) { api in
            let connection = try RawHTTPConnection(port: try port(api))
            let body = #"{"name": "slow but steady, byte by byte"}"#
            connection.send("POST /v1/libraries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n")
            #expect(await connection.sendSlowly(body, every: .milliseconds(100)))
            let (text, _, _) = await connection.readToEnd(seconds: 10)
            #expect(text.hasPrefix("HTTP/1.1 201"), "\(text)")
        }
    }

    @Test("an idle keep-alive connection is closed after IDLE_TIMEOUT_SECONDS; a WebSocket stays open past every timeout")
    func idleAndWebSocket() async throws {
        let database = Database(embedders: try ArrwServer.makeEmbedders(Self.configuration))
        let library = try await database.createLibrary(.init(name: "ws", dimension: 2)).id.uuidString.lowercased()
        try await withAPI(Self.configuration, database: database, setup: .live) { api in
            let port = try port(api)
            let socket = try await RawWebSocket.connect(port: port, path: "/v1/libraries/\(library)/ws")
            let keepAlive = try RawHTTPConnection(port: port)
            keepAlive.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let (text, closed, elapsed) = await keepAlive.readToEnd(seconds: 10)
            #expect(text.hasPrefix("HTTP/1.1 200") && closed, "\(text)")
            #expect(elapsed > .milliseconds(800) && elapsed < .seconds(8), "closed after the 1 s idle timeout (a loaded machine may lag): \(elapsed)")

            try await Task.sleep(for: .milliseconds(2500))
            #expect(try await socket.sendText(#"{"request_id": "r1", "action": "ping"}"#))
            let answer = await socket.read(until: #""request_id":"r1""#, seconds: 10)
            #expect(String(decoding: answer, as: UTF8.self).contains(#""request_id":"r1""#), "the WebSocket still answers")
        }
    }

    @Test("beyond MAX_CONNECTIONS a connection is answered 503 too_many_connections; once one closes, new ones are served")
    func connectionLimit() async throws {
        let roomy = testConfiguration { $0.maxConnections = 4 }
        try await withAPI(roomy, setup: .live) { api in
            let port = try port(api)
            var held = try (0..<6).map { _ in try RawHTTPConnection(port: port) }
            try await Task.sleep(for: .milliseconds(200))
            var answers: [String] = []
            for connection in held {
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answers.append(await connection.readToEnd(seconds: 10).text)
            }
            let served = answers.filter { $0.hasPrefix("HTTP/1.1 200") }.count
            let refused = answers.filter { $0.hasPrefix("HTTP/1.1 503") }
            #expect(served <= 4 && served + refused.count == 6, "\(answers)")
            #expect(refused.count >= 2, "the connections past the fourth (and any the test client holds) are refused")
            #expect(refused.allSatisfy { $0.contains(#""code":"too_many_connections""#) && $0.contains("Retry-After: 1") })
            held.removeAll()
            try await Task.sleep(for: .milliseconds(200))
            let later = try RawHTTPConnection(port: port)
            later.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await later.readToEnd(seconds: 10).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("an HTTP/1.0 request gets an HTTP/1.0 answer; the event stream comes without chunked encoding and the connection closes after a sized answer")
    func http10() async throws {
        try await withAPI(testConfiguration { $0.idleTimeoutSeconds = 60 }, setup: .live) { api in
            let port = try port(api)
            let stream = try RawHTTPConnection(port: port)
            stream.send("GET /v1/events HTTP/1.0\r\n\r\n")
            let (events, _, _) = await stream.read(until: "retry: 1000\n", seconds: 10)
            #expect(events.hasPrefix("HTTP/1.0 200"), "\(events)")
            #expect(!events.lowercased().contains("transfer-encoding") && events.lowercased().contains("connection: close"))
            #expect(events.contains("\r\n\r\nretry: 1000\n"), "the body is sent as it is: \(events)")

            let health = try RawHTTPConnection(port: port)
            health.send("GET /health HTTP/1.0\r\n\r\n")
            let (text, closed, elapsed) = await health.readToEnd(seconds: 10)
            #expect(text.hasPrefix("HTTP/1.0 200") && text.hasSuffix(#""version":"\#(ArrwServer.version)"}"#))
            #expect(closed && elapsed < .seconds(30), "closed after the answer, not at the idle timeout")
        }
    }
}
