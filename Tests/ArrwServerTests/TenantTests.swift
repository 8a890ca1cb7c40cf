import ArrwEngine
import ArrwServer
import ArrwTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Tenants: the admin key issues, rotates and revokes keys; a tenant's key sees only its own
/// libraries, jobs, events, webhooks and documents, another tenant's answering exactly as
/// unknown ones; quotas answer 429; revocation and rotation close open streams.
@Suite struct TenantTests {
    static let admin = "admin-secret"
    static let legacy = "legacy-secret"
    static let configuration = testConfiguration {
        $0.adminAPIKeys = [admin]
        $0.apiKeys = [legacy]
    }

    static func key(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    /// The status of a GET whose answer need not be JSON (`/metrics`).
    static func status(_ api: API, _ path: String, key owner: String) async throws -> HTTPResponse.Status {
        try await api.client.execute(uri: path, method: .get, headers: key(owner), body: nil) { $0.status }
    }

    /// Creates a tenant with the admin key; its id and key.
    static func tenant(_ api: API, _ name: String, _ extra: String = "") async throws -> (id: String, key: String) {
        let reply = try await api.call(.post, "/v1/admin/tenants", #"{"name": "\#(name)"\#(extra)}"#, headers: key(admin))
        #expect(reply.status == .created, "\(String(describing: reply.json))")
        return (try #require(reply["tenant_id"]?.string), try #require(reply["api_key"]?.string))
    }

    /// A 3-d library named `name` under `key`, with one document `doc-<name>`; the library's id.
    static func library(_ api: API, _ name: String, key owner: String, document: String) async throws -> String {
        let created = try await api.call(.post, "/v1/libraries", #"{"name": "\#(name)", "dimension": 3, "metric": "l2"}"#, headers: key(owner))
        #expect(created.status == .created, "\(String(describing: created.json))")
        let id = try #require(created["id"]?.string)
        let added = try await api.call(
            .post, "/v1/libraries/\(id)/documents", #"{"id": "\#(document)", "chunks": [{"text": "\#(document)", "embedding": [1, 2, 3]}]}"#,
            headers: key(owner))
        #expect(added.status == .created, "\(String(describing: added.json))")
        return id
    }

    @Test("the admin key creates tenants (the key shown once, arrw_ and 32 hex), lists them with their use, and alone opens the admin routes and /metrics")
    func adminRoutes() async throws {
        try await withAPI(Self.configuration) { api in
            let (id, key) = try await Self.tenant(api, "acme", #", "metadata": {"plan": "pro"}, "expires_in_days": 30"#)
            #expect(key.range(of: "^arrw_[0-9a-f]{32}$", options: .regularExpression) != nil, "\(key)")
            for _ in 0..<3 { #expect(try await api.call(.get, "/v1/libraries", headers: Self.key(key)).status == .ok) }
            let shown = try await api.call(.get, "/v1/admin/tenants/\(id)", headers: Self.key(Self.admin))
            #expect(shown.status == .ok && shown["api_key"] == nil && shown["name"] == .string("acme"))
            #expect(shown["is_active"] == .bool(true) && shown["request_count"] == .int(3) && shown["last_used_at"] != .null)
            #expect(shown["metadata"] == .object(["plan": .string("pro")]) && shown["expires_at"] != .null)
            let listed = try await api.call(.get, "/v1/admin/tenants", headers: Self.key(Self.admin))
            #expect(listed["total"] == .int(1) && listed["tenants"]?.array?.first?.object?["tenant_id"] == .string(id))
            for other in [key, Self.legacy] {
                try await api.call(.get, "/v1/admin/tenants", headers: Self.key(other)).expectError(.unauthorized, "unauthorized")
                #expect(try await Self.status(api, "/metrics", key: other) == .unauthorized)
            }
            try await api.call(.get, "/v1/admin/tenants").expectError(.unauthorized, "unauthorized")
            #expect(try await Self.status(api, "/metrics", key: Self.admin) == .ok)
            try await api.call(.post, "/v1/admin/tenants", #"{"metadata": {}}"#, headers: Self.key(Self.admin))
                .expectError(.badRequest, "validation_error", field: "name")
            try await api.call(.post, "/v1/admin/tenants", #"{"name": "x", "expires_in_days": -1}"#, headers: Self.key(Self.admin))
                .expectError(.badRequest, "validation_error", field: "expires_in_days")
            try await api.call(.post, "/v1/admin/tenants", #"{"name": "x", "quotas": {"max_libraries": 1.5}}"#, headers: Self.key(Self.admin))
                .expectError(.badRequest, "validation_error", field: "quotas.max_libraries")
            try await api.call(.get, "/v1/admin/tenants/\(UUID())", headers: Self.key(Self.admin)).expectError(.notFound, "tenant_not_found")
            try await api.call(.post, "/v1/admin/tenants/\(id)/purge", headers: Self.key(Self.admin)).expectError(.conflict, "tenant_active")
        }
    }

    @Test("without ADMIN_API_KEY the admin routes are refused to every key, and a server without keys stays open")
    func noAdminKey() async throws {
        try await withAPI(testConfiguration { $0.apiKeys = [Self.legacy] }) { api in
            try await api.call(.post, "/v1/admin/tenants", #"{"name": "x"}"#, headers: Self.key(Self.legacy)).expectError(.unauthorized, "unauthorized")
            #expect(try await Self.status(api, "/metrics", key: Self.legacy) == .ok)
        }
        try await withAPI(testConfiguration()) { api in
            try await api.call(.get, "/v1/admin/tenants").expectError(.unauthorized, "unauthorized")
            #expect(try await api.call(.get, "/v1/libraries").status == .ok)
            #expect(try await api.call(.get, "/openapi.json").status == .ok)
        }
    }

    @Test("two tenants with libraries of one name: lists, searches, documents, jobs, exports, webhooks and events never cross")
    func isolation() async throws {
        try await withAPI(Self.configuration, setup: .live) { api in
            let a = try await Self.tenant(api, "a")
            let b = try await Self.tenant(api, "b")
            let libraryA = try await Self.library(api, "docs", key: a.key, document: "only-a")
            let libraryB = try await Self.library(api, "docs", key: b.key, document: "only-b")
            let libraryLegacy = try await Self.library(api, "docs", key: Self.legacy, document: "only-legacy")
            try await api.call(.post, "/v1/libraries", #"{"name": "docs", "dimension": 3}"#, headers: Self.key(a.key))
                .expectError(.conflict, "duplicate_name")

            for (key, own, others) in [(a.key, libraryA, [libraryB, libraryLegacy]), (b.key, libraryB, [libraryA, libraryLegacy]),
                                        (Self.legacy, libraryLegacy, [libraryA, libraryB])] {
                let listed = try #require(try await api.call(.get, "/v1/libraries", headers: Self.key(key))["libraries"]?.array)
                #expect(listed.compactMap { $0.object?["id"]?.string } == [own])
                for other in others {
                    let reply = try await api.call(.get, "/v1/libraries/\(other)", headers: Self.key(key))
                    reply.expectError(.notFound, "library_not_found")
                    let unknown = UUID().uuidString.lowercased()
                    let unknownReply = try await api.call(.get, "/v1/libraries/\(unknown)", headers: Self.key(key))
                    #expect(reply.errorMessage?.replacingOccurrences(of: other, with: "ID") == unknownReply.errorMessage?.replacingOccurrences(of: unknown, with: "ID"),
                            "another tenant's library answers exactly as an unknown one")
                    try await api.call(.post, "/v1/libraries/\(other)/search", #"{"query_vector": [1, 2, 3], "k": 5}"#, headers: Self.key(key))
                        .expectError(.notFound, "library_not_found")
                    try await api.call(.delete, "/v1/libraries/\(other)", headers: Self.key(key)).expectError(.notFound, "library_not_found")
                }
            }
            let search = try await api.call(.post, "/v1/libraries/\(libraryA)/search", #"{"query_vector": [1, 2, 3], "k": 5}"#, headers: Self.key(a.key))
            #expect(search["results"]?.array?.compactMap { $0.object?["document_id"]?.string } == ["only-a"], "\(String(describing: search.json))")
            #expect(try await api.call(.get, "/v1/documents/only-a", headers: Self.key(a.key)).status == .ok)
            try await api.call(.get, "/v1/documents/only-a", headers: Self.key(b.key)).expectError(.notFound, "document_not_found")

            let export = try await api.call(.post, "/v1/jobs/batch_export", #"{"library_id": "\#(libraryA)"}"#, headers: Self.key(a.key))
            let job = try #require(export["job_id"]?.string)
            try await api.call(.post, "/v1/jobs/batch_export", #"{"library_id": "\#(libraryA)"}"#, headers: Self.key(b.key))
                .expectError(.notFound, "library_not_found")
            try await api.call(.post, "/v1/jobs/batch_export", #"{}"#, headers: Self.key(b.key)).expectError(.badRequest, "validation_error", field: "library_id")
            for path in ["/v1/jobs/\(job)", "/v1/jobs/\(job)/result"] {
                try await api.call(.get, path, headers: Self.key(b.key)).expectError(.notFound, "job_not_found")
            }
            try await api.call(.delete, "/v1/jobs/\(job)", headers: Self.key(b.key)).expectError(.notFound, "job_not_found")
            #expect(try await api.call(.get, "/v1/jobs", headers: Self.key(b.key))["jobs"] == .array([]))
            #expect(try await api.call(.get, "/v1/jobs", headers: Self.key(a.key))["jobs"]?.array?.count == 1)

            let hook = try await api.call(
                .post, "/v1/webhooks", #"{"url": "http://127.0.0.1:9/hook", "events": ["*"], "active": false}"#, headers: Self.key(a.key))
            let hookId = try #require(hook["id"]?.string)
            try await api.call(.get, "/v1/webhooks/\(hookId)", headers: Self.key(b.key)).expectError(.notFound, "webhook_not_found")
            #expect(try await api.call(.get, "/v1/webhooks", headers: Self.key(b.key))["webhooks"] == .array([]))
            try await api.call(
                .post, "/v1/webhooks", #"{"url": "http://127.0.0.1:9/hook", "events": ["*"], "library_id": "\#(libraryA)"}"#, headers: Self.key(b.key)
            ).expectError(.notFound, "library_not_found")

            // A's WebSocket subscription shows in A's WebSocket statistics, not in B's.
            let socket = try await RawWebSocket.connect(
                port: try #require(api.client.port), path: "/v1/libraries/\(libraryA)/ws", headers: ["Authorization": "Bearer \(a.key)"])
            #expect(try await socket.sendText(#"{"request_id": "s1", "action": "subscribe"}"#))
            _ = await socket.read(until: #""request_id":"s1""#, seconds: 10)
            let seenByA = try await api.call(.get, "/v1/websockets/stats", headers: Self.key(a.key))
            #expect(seenByA["subscriptions_by_library"]?.object?[libraryA] == .int(1), "\(String(describing: seenByA.json))")
            let seenByB = try await api.call(.get, "/v1/websockets/stats", headers: Self.key(b.key))
            #expect(seenByB["subscriptions_by_library"] == .object([:]) && seenByB["libraries_with_subscribers"] == .int(0))
            try await api.call(.get, "/v1/libraries/\(libraryA)/ws", headers: Self.key(b.key)).expectError(.notFound, "library_not_found")
            await #expect(throws: (any Error).self, "B cannot open a WebSocket on A's library") {
                _ = try await RawWebSocket.connect(
                    port: try #require(api.client.port), path: "/v1/libraries/\(libraryA)/ws", headers: ["Authorization": "Bearer \(b.key)"])
            }

            // B's event stream from the start holds B's events and none of A's or the legacy tenant's.
            let stream = try RawHTTPConnection(port: try #require(api.client.port))
            stream.send("GET /v1/events?since=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(b.key)\r\n\r\n")
            let (events, _, _) = await stream.read(until: "only-b", seconds: 10)
            #expect(events.contains(libraryB) && events.contains("only-b"), "\(events)")
            #expect(!events.contains(libraryA) && !events.contains(libraryLegacy) && !events.contains("only-a") && !events.contains("tenant."), "\(events)")
        }
    }

    @Test("rotation and revocation take effect on the next request and close an open event stream and WebSocket with a reason")
    func rotationAndRevocation() async throws {
        try await withAPI(Self.configuration, setup: .live) { api in
            let port = try #require(api.client.port)
            let tenant = try await Self.tenant(api, "rotating")
            let library = try await Self.library(api, "notes", key: tenant.key, document: "n1")
            let stream = try RawHTTPConnection(port: port)
            stream.send("GET /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(tenant.key)\r\n\r\n")
            let socket = try await RawWebSocket.connect(port: port, path: "/v1/libraries/\(library)/ws", headers: ["Authorization": "Bearer \(tenant.key)"])
            #expect(try await socket.sendText(#"{"request_id": "p1", "action": "ping"}"#))
            #expect(String(decoding: await socket.read(until: #""request_id":"p1""#, seconds: 10), as: UTF8.self).contains("p1"))

            let rotated = try await api.call(.post, "/v1/admin/tenants/\(tenant.id)/rotate", headers: Self.key(Self.admin))
            let newKey = try #require(rotated["new_api_key"]?.string)
            #expect(newKey != tenant.key && rotated["rotated_at"] != .null)
            try await api.call(.get, "/v1/libraries", headers: Self.key(tenant.key)).expectError(.unauthorized, "unauthorized")
            #expect(try await api.call(.get, "/v1/libraries/\(library)", headers: Self.key(newKey)).status == .ok)
            let (text, _, _) = await stream.read(until: "event: error", seconds: 10)
            #expect(text.contains("event: error") && text.contains("unauthorized") && text.contains("revoked, rotated"), "\(text)")
            let (bytes, _) = await socket.readToEnd(seconds: 10)
            let close = RawWebSocket.frames(in: bytes).first { $0.opcode == 0x8 }
            #expect(close?.closeCode == 1008 && close?.closeReason?.contains("revoked, rotated") == true, "\(String(describing: close))")

            #expect(try await api.call(.delete, "/v1/admin/tenants/\(tenant.id)", headers: Self.key(Self.admin)).status == .noContent)
            let refused = try await api.call(.get, "/v1/libraries", headers: Self.key(newKey))
            refused.expectError(.unauthorized, "unauthorized")
            #expect(refused.errorMessage?.contains("revoked") == true)
            let shown = try await api.call(.get, "/v1/admin/tenants/\(tenant.id)", headers: Self.key(Self.admin))
            #expect(shown["is_active"] == .bool(false) && shown["deactivated_at"] != .null && shown["library_count"] == .int(1))
            let purged = try await api.call(.post, "/v1/admin/tenants/\(tenant.id)/purge", headers: Self.key(Self.admin))
            #expect(purged["libraries_deleted"] == .int(1), "\(String(describing: purged.json))")
            try await api.call(.get, "/v1/libraries/\(library)", headers: Self.key(Self.admin)).expectError(.notFound, "library_not_found")
            try await api.call(.get, "/v1/admin/tenants/\(tenant.id)", headers: Self.key(Self.admin)).expectError(.notFound, "tenant_not_found")
        }
    }

    @Test("quotas: libraries and vectors answer 429 quota_exceeded, requests per minute 429 rate_limited, each with Retry-After")
    func quotas() async throws {
        try await withAPI(Self.configuration) { api in
            let tenant = try await Self.tenant(api, "small", #", "quotas": {"max_libraries": 1, "max_vectors": 2}"#)
            let library = try await Self.library(api, "one", key: tenant.key, document: "d1")
            let second = try await api.call(.post, "/v1/libraries", #"{"name": "two", "dimension": 3}"#, headers: Self.key(tenant.key))
            second.expectError(.tooManyRequests, "quota_exceeded")
            #expect(second.json?.object?["error"]?.object?["details"]?.object?["quota"] == .string("max_libraries") && second.headers[.retryAfter] != nil)
            let body = #"{"documents": [{"id": "d2", "chunks": [{"text": "x", "embedding": [1, 0, 0]}, {"text": "y", "embedding": [0, 1, 0]}]}]}"#
            try await api.call(.post, "/v1/libraries/\(library)/documents/batch", body, headers: Self.key(tenant.key)).expectError(.tooManyRequests, "quota_exceeded")
            let patched = try await api.call(
                .patch, "/v1/admin/tenants/\(tenant.id)", #"{"quotas": {"max_vectors": null, "requests_per_minute": 2}}"#, headers: Self.key(Self.admin))
            #expect(patched["quotas"]?.object?["max_vectors"] == .null && patched["quotas"]?.object?["max_libraries"] == .int(1))
            #expect(try await api.call(.post, "/v1/libraries/\(library)/documents/batch", body, headers: Self.key(tenant.key)).status == .ok)
            #expect(try await api.call(.get, "/v1/libraries", headers: Self.key(tenant.key)).status == .ok)
            let limited = try await api.call(.get, "/v1/libraries", headers: Self.key(tenant.key))
            limited.expectError(.tooManyRequests, "rate_limited")
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try await api.call(.get, "/v1/libraries", headers: Self.key(Self.legacy)).status == .ok, "other keys keep their own budget")
        }
    }

    @Test("tenants, their keys and libraries survive a restart: rotated and revoked keys stay refused, the current ones work")
    func durable() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "arrw-tenants-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = testConfiguration {
            $0.adminAPIKeys = [Self.admin]
            $0.dataDirectory = directory
        }
        let keys = Keys()
        let (first, _) = try ArrwServer.openDatabase(configuration: configuration, logger: quietLogger)
        try await withAPI(configuration, database: first) { api in
            let kept = try await Self.tenant(api, "kept")
            let gone = try await Self.tenant(api, "gone")
            keys.library = try await Self.library(api, "shared-name", key: kept.key, document: "k1")
            _ = try await Self.library(api, "shared-name", key: gone.key, document: "g1")
            let rotated = try await api.call(.post, "/v1/admin/tenants/\(kept.id)/rotate", headers: Self.key(Self.admin))
            keys.values = [kept.key, try #require(rotated["new_api_key"]?.string), gone.key]
            #expect(try await api.call(.delete, "/v1/admin/tenants/\(gone.id)", headers: Self.key(Self.admin)).status == .noContent)
        }
        try first.close()
        let (second, _) = try ArrwServer.openDatabase(configuration: configuration, logger: quietLogger)
        try await withAPI(configuration, database: second) { api in
            let (old, current, revoked) = (keys.values[0], keys.values[1], keys.values[2])
            try await api.call(.get, "/v1/libraries", headers: Self.key(old)).expectError(.unauthorized, "unauthorized")
            try await api.call(.get, "/v1/libraries", headers: Self.key(revoked)).expectError(.unauthorized, "unauthorized")
            let listed = try await api.call(.get, "/v1/libraries", headers: Self.key(current))
            #expect(listed["libraries"]?.array?.compactMap { $0.object?["id"]?.string } == [keys.library])
            let tenants = try #require(try await api.call(.get, "/v1/admin/tenants", headers: Self.key(Self.admin))["tenants"]?.array)
            #expect(Set(tenants.compactMap { $0.object?["is_active"]?.bool }) == [true, false])
        }
        try second.close()
    }
}

/// Values one `withAPI` closure hands the next.
final class Keys: @unchecked Sendable {
    var values: [String] = []
    var library = ""
}
