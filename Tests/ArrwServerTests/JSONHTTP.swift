import ArrwEngine
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A reply over real HTTP: status code, body text and the body decoded as JSON (nil when it is
/// empty or not JSON).
struct HTTPReply: Sendable {
    var status: Int
    var text: String
    var json: JSONValue?

    subscript(_ key: String) -> JSONValue? { json?.object?[key] }

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// JSON calls over AsyncHTTPClient to a server in another process. A thrown error means no
/// reply arrived (refused, reset, timed out): the request may or may not have been applied.
struct JSONHTTP: Sendable {
    let client: HTTPClient

    /// A client that fails fast when the server is down instead of retrying the connection
    /// until the connect timeout: after a `SIGKILL` the writers must notice at once.
    static func withClient<T>(_ body: (JSONHTTP) async throws -> T) async throws -> T {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(15)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            try await body(JSONHTTP(client: client))
        }
    }

    func send(
        _ method: HTTPMethod, _ url: String, _ body: String? = nil, key: String? = nil, timeout: TimeAmount = .seconds(15)
    ) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let text = String(buffer: bytes)
        let json = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        return HTTPReply(status: Int(response.status.code), text: text, json: json)
    }
}

/// JSON text for a value, for request bodies built by hand.
func jsonText(_ value: JSONValue) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
}
