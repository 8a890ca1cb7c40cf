import ArrwEngine
import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// Reads an HTTP response body line by line, each line parsed as JSON, as the lines arrive.
struct NDJSONLineReader {
    private var chunks: HTTPClientResponse.Body.AsyncIterator
    private var pending: [UInt8] = []

    init(_ body: HTTPClientResponse.Body) {
        chunks = body.makeAsyncIterator()
    }

    /// The next line, or nil at the end of the body.
    mutating func next() async throws -> JSONValue? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(pending[..<newline])
                pending.removeSubrange(...newline)
                return try JSONDecoder().decode(JSONValue.self, from: line)
            }
            guard let chunk = try await chunks.next() else { return nil }
            pending += chunk.readableBytesView
        }
    }
}

/// `/documents/stream` on a real socket, its body streamed by AsyncHTTPClient in chunks.
@Suite struct NDJSONLiveTests {
    /// The request for a streamed upload of `body` to `library`.
    private func upload(port: Int, library: String, body: AsyncStream<ByteBuffer>, acceptNDJSON: Bool) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/libraries/\(library)/documents/stream")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        if acceptNDJSON { request.headers.add(name: "Accept", value: "application/x-ndjson") }
        request.body = .stream(body, length: .unknown)
        return request
    }

    /// Each line is answered before the next one is sent, which only works if the server reads
    /// the body as it arrives: a server that collected the whole body first would never answer.
    @Test(.timeLimit(.minutes(1))) func linesAreAnsweredWhileTheBodyIsStillArriving() async throws {
        try await withAPI(setup: .live) { api in
            let lib = try await api.createLibrary()
            let port = try #require(api.client.port)
            try await HTTPClient.withHTTPClient { client in
                let (body, input) = AsyncStream<ByteBuffer>.makeStream()
                input.yield(ByteBuffer(string: #"{"id": "first", "te"#))
                input.yield(ByteBuffer(string: #"xt": "the first line"}"# + "\n" + #"{"id": "sec"#))
                let response = try await client.execute(upload(port: port, library: lib, body: body, acceptNDJSON: true), timeout: .seconds(60))
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "Content-Type") == "application/x-ndjson")
                var lines = NDJSONLineReader(response.body)
                #expect(try await lines.next() == .object(["line": .int(1), "document_id": .string("first")]))
                #expect(try await api.counts(lib)["document_count"] == .int(1))

                input.yield(ByteBuffer(string: #"ond", "text": "the second line"}"# + "\r\n"))
                #expect(try await lines.next() == .object(["line": .int(2), "document_id": .string("second")]))

                input.yield(ByteBuffer(string: "\nnot json\n" + #"{"id": "last", "text": "no final newline"}"#))
                input.finish()
                let broken = try #require(try await lines.next()?.object)
                #expect(broken["line"] == .int(4))
                #expect(broken["error"]?.object?["code"] == .string("invalid_json"))
                #expect(try await lines.next() == .object(["line": .int(5), "document_id": .string("last")]))
                #expect(try await lines.next() == .object(["summary": .object(["successful": .int(3), "failed": .int(1)])]))
                #expect(try await lines.next() == nil)
            }
            #expect(try await api.counts(lib)["document_count"] == .int(3))
        }
    }

    /// Five thousand lines in 1,000-byte chunks that cut lines anywhere, answered as JSON.
    @Test func aChunkedUploadOverTheSocketStoresEveryLine() async throws {
        try await withAPI(setup: .live) { api in
            let lib = try await api.createLibrary()
            let port = try #require(api.client.port)
            let text = (0..<5000).map { #"{"id": "c\#($0)", "texts": ["chunked upload line \#($0)", "second text"]}"# + "\n" }.joined()
            let bytes = Array(text.utf8)
            let (body, input) = AsyncStream<ByteBuffer>.makeStream()
            for start in stride(from: 0, to: bytes.count, by: 1000) {
                input.yield(ByteBuffer(bytes: bytes[start..<min(start + 1000, bytes.count)]))
            }
            input.finish()
            try await HTTPClient.withHTTPClient { client in
                let response = try await client.execute(upload(port: port, library: lib, body: body, acceptNDJSON: false), timeout: .seconds(120))
                #expect(response.status == .ok)
                let answer = try JSONDecoder().decode(JSONValue.self, from: Data(try await response.body.collect(upTo: 16 << 20).readableBytesView))
                #expect(answer.object?["successful"] == .int(5000))
                #expect(answer.object?["failed"] == .int(0))
            }
            let counts = try await api.counts(lib)
            #expect(counts["document_count"] == .int(5000))
            #expect(counts["chunk_count"] == .int(10000))
        }
    }
}
