import ArrwEngine
import ArrwServer
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import Testing

/// Every request gets an id (the client's `X-Request-ID` or a fresh one), echoed to the client
/// and logged once as one JSON line; every answer carries the security headers; CORS answers
/// only the origins `CORS_ORIGINS` lists.
@Suite struct RequestLogTests {
    /// The lines a `JSONLogHandler` wrote, decoded.
    final class CapturedLines: Sendable {
        private let lines = Mutex<[[UInt8]]>([])

        var logger: Logger {
            var logger = Logger(label: "captured") { label in JSONLogHandler(label: label) { line in self.lines.withLock { $0.append(line) } } }
            logger.logLevel = .info
            return logger
        }

        func objects() throws -> [[String: JSONValue]] {
            try lines.withLock { $0 }.map { line in
                #expect(line.last == 0x0A && line.dropLast().firstIndex(of: 0x0A) == nil, "one object per line")
                return try #require(try JSONDecoder().decode(JSONValue.self, from: Data(line)).object)
            }
        }

        /// The request lines with `request_id` `id`.
        func requests(_ id: String) throws -> [[String: JSONValue]] {
            try objects().filter { $0["message"] == .string("request") && $0["request_id"] == .string(id) }
        }
    }

    @Test("the client's X-Request-ID is echoed and logged once with method, route template, status, duration, library and error code")
    func loggedOnce() async throws {
        let captured = CapturedLines()
        try await withAPI(logger: captured.logger) { api in
            let library = try await api.createLibrary("logged", extra: #", "dimension": 2"#)
            let missing = try await api.call(
                .get, "/v1/libraries/\(library)/documents/nope", headers: [HTTPField.Name("X-Request-ID")!: "trace-42"])
            missing.expectError(.notFound, "document_not_found")
            #expect(missing.headers[HTTPField.Name("X-Request-ID")!] == "trace-42")

            let lines = try captured.requests("trace-42")
            #expect(lines.count == 1)
            let line = try #require(lines.first)
            #expect(line["level"] == .string("info"))
            #expect(line["method"] == .string("GET"))
            #expect(line["route"] == .string("/v1/libraries/{id}/documents/{doc}"))
            #expect(line["status"] == .int(404))
            #expect(line["library_id"] == .string(library))
            #expect(line["error_code"] == .string("document_not_found"))
            #expect((line["duration_ms"]?.number ?? -1) >= 0)
            #expect(line["timestamp"]?.string?.hasPrefix("20") == true)
        }
    }

    @Test("without a usable X-Request-ID each request gets a fresh id, which its log line carries")
    func generatedIDs() async throws {
        let captured = CapturedLines()
        try await withAPI(logger: captured.logger) { api in
            let first = try await api.call(.get, "/health")
            let second = try await api.call(.get, "/health", headers: [HTTPField.Name("X-Request-ID")!: String(repeating: "x", count: 129)])
            let ids = [first, second].compactMap { $0.headers[HTTPField.Name("X-Request-ID")!] }
            #expect(ids.count == 2 && ids[0] != ids[1])
            #expect(ids.allSatisfy { UUID(uuidString: $0) != nil })
            for id in ids {
                let line = try #require(try captured.requests(id).first)
                #expect(line["route"] == .string("/health") && line["status"] == .int(200) && line["error_code"] == nil)
            }
            _ = try await api.call(.get, "/no/such/route", headers: [HTTPField.Name("X-Request-ID")!: "lost"])
            let lost = try captured.requests("lost")
            #expect(lost.first?["route"] == .string("NotFound"))
        }
    }

    @Test("every answer, errors included, carries nosniff, DENY, no-referrer and a content security policy")
    func securityHeaders() async throws {
        try await withAPI { api in
            for reply in [try await api.call(.get, "/health"), try await api.call(.get, "/v1/libraries/nope")] {
                #expect(reply.headers[.xContentTypeOptions] == "nosniff")
                #expect(reply.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(reply.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(reply.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
        }
    }

    @Test("CORS: a listed origin's preflight and requests are allowed; another origin's preflight is refused; none without CORS_ORIGINS")
    func cors() async throws {
        let origin = "https://app.example"
        try await withAPI(testConfiguration { $0.corsOrigins = [origin] }) { api in
            let preflight = try await api.call(
                .options, "/v1/libraries",
                headers: [.origin: origin, .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type, x-api-key"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == origin)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders] == "content-type, x-api-key")

            let listed = try await api.call(.get, "/v1/libraries", headers: [.origin: origin])
            #expect(listed.status == .ok && listed.headers[.accessControlAllowOrigin] == origin)
            #expect(listed.headers[.vary] == "Origin")
            #expect(listed.headers[.accessControlExposeHeaders]?.contains("X-Request-ID") == true)

            let stranger = "https://evil.example"
            try await api.call(.options, "/v1/libraries", headers: [.origin: stranger, .accessControlRequestMethod: "DELETE"])
                .expectError(.forbidden, "forbidden_origin")
            #expect(try await api.call(.get, "/v1/libraries", headers: [.origin: stranger]).headers[.accessControlAllowOrigin] == nil)
        }
        try await withAPI { api in
            let reply = try await api.call(.get, "/v1/libraries", headers: [.origin: origin])
            #expect(reply.status == .ok && reply.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
