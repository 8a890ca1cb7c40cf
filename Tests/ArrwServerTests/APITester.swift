import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A reply from the API: status, decoded JSON body (nil when empty) and headers.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var json: JSONValue?
    var headers: HTTPFields

    subscript(_ key: String) -> JSONValue? { json?.object?[key] }

    /// The error envelope's `code`, or nil when the body is not an envelope.
    var errorCode: String? { json?.object?["error"]?.object?["code"]?.string }

    /// The error envelope's `message`, or nil when the body is not an envelope.
    var errorMessage: String? { json?.object?["error"]?.object?["message"]?.string }

    /// Checks the reply is the JSON error envelope with `status` and `code`, naming `field` in its details.
    func expectError(
        _ status: HTTPResponse.Status, _ code: String? = nil, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(self.status == status, "got \(self.status) \(String(describing: json))", sourceLocation: sourceLocation)
        let error = json?.object?["error"]?.object
        #expect(error?["code"]?.string != nil, "no error envelope in \(String(describing: json))", sourceLocation: sourceLocation)
        #expect(error?["message"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        if let code { #expect(error?["code"]?.string == code, "\(String(describing: json))", sourceLocation: sourceLocation) }
        if let field {
            #expect(error?["details"]?.object?["field"]?.string == field, "\(String(describing: json))", sourceLocation: sourceLocation)
        }
    }
}

/// Drives the API through a Hummingbird test client with small helpers for JSON calls.
struct API: Sendable {
    let client: any TestClientProtocol

    func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await raw(method, uri, body.map { ByteBuffer(string: $0) }, headers: headers)
    }

    func raw(_ method: HTTPRequest.Method, _ uri: String, _ body: ByteBuffer?, headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            let data = Data(response.body.readableBytesView)
            let json = data.isEmpty ? nil : try JSONDecoder().decode(JSONValue.self, from: data)
            return Reply(status: response.status, json: json, headers: response.headers)
        }
    }

    /// Creates a library and returns its id.
    func createLibrary(_ name: String = "test", extra: String = "") async throws -> String {
        let reply = try await call(.post, "/v1/libraries", #"{"name": "\#(name)"\#(extra)}"#)
        #expect(reply.status == .created, "\(String(describing: reply.json))")
        return try #require(reply["id"]?.string)
    }

    /// Adds a document and returns its id.
    @discardableResult
    func addDocument(_ library: String, _ body: String) async throws -> String {
        let reply = try await call(.post, "/v1/libraries/\(library)/documents", body)
        #expect(reply.status == .created, "\(String(describing: reply.json))")
        return try #require(reply["id"]?.string)
    }

    /// Polls `/v1/events/stats` until `active_subscribers` is `count`: a subscription the server
    /// registered, or one it dropped. Fails after `seconds`.
    func waitForSubscribers(_ count: Int, seconds: Int = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var active = try await call(.get, "/v1/events/stats")["active_subscribers"]
        while active != .int(Int64(count)), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
            active = try await call(.get, "/v1/events/stats")["active_subscribers"]
        }
        #expect(active == .int(Int64(count)), "active_subscribers is \(String(describing: active))", sourceLocation: sourceLocation)
    }

    /// The library's `(document_count, chunk_count, dimension)`.
    func counts(_ library: String) async throws -> [String: JSONValue] {
        let reply = try await call(.get, "/v1/libraries/\(library)/statistics")
        #expect(reply.status == .ok)
        return try #require(reply.json?.object)
    }
}

/// Runs `body` against a fresh server (in-process router unless `setup` says otherwise).
func withAPI(
    _ configuration: ServerConfiguration = testConfiguration(),
    database: Database? = nil,
    setup: TestingSetup = .router,
    logger: Logger = quietLogger,
    _ body: @Sendable @escaping (API) async throws -> Void
) async throws {
    let application = try ArrwServer.makeApplication(configuration: configuration, database: database, logger: logger)
    try await application.test(setup) { client in try await body(API(client: client)) }
}

/// The servers' logger in tests: warnings and errors only (each request's info line would fill the
/// CI log); `RequestLogTests` pass a logger of their own.
let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    return logger
}()

/// Defaults with the small `hash` embedder and a port chosen by the OS.
func testConfiguration(_ change: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.embeddingProvider = "hash"
    configuration.embeddingDimension = 64
    configuration.dataDirectory = nil
    change(&configuration)
    return configuration
}
