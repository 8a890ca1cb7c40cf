import ArrwEngine
import ArrwServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every operation of `/openapi.json`, walked with no key, a wrong key, a revoked key, an
/// expired key and another tenant's key, its path parameters naming tenant A's library,
/// document, job, webhook and tenant record: only `/health` and `/readiness` answer without a
/// valid key (401 otherwise); another tenant gets 401 on the admin routes and `/metrics`, 404 for
/// A's things, and no successful answer holds any of A's ids (an error may echo the id B sent);
/// A's data is untouched afterwards.
@Suite struct TenantAccessWalkTests {
    static let methods: [(String, HTTPRequest.Method)] = [("get", .get), ("post", .post), ("put", .put), ("patch", .patch), ("delete", .delete)]
    /// Streams that stay open to a valid key (their isolation is `TenantTests.isolation`'s).
    static let endless: Set = ["/v1/events", "/v1/events/stream"]

    @Test("every documented route refuses a missing, wrong, revoked or expired key, and shows another tenant none of A's data", .timeLimit(.minutes(2)))
    func walk() async throws {
        try await withAPI(TenantTests.configuration) { api in
            let admin = TenantTests.key(TenantTests.admin)
            let a = try await TenantTests.tenant(api, "a")
            let b = try await TenantTests.tenant(api, "b")
            let revoked = try await TenantTests.tenant(api, "revoked")
            let expired = try await TenantTests.tenant(api, "expired", #", "expires_in_days": 0.00002"#)
            #expect(try await api.call(.delete, "/v1/admin/tenants/\(revoked.id)", headers: admin).status == .noContent)
            let library = try await TenantTests.library(api, "docs", key: a.key, document: "doc-of-a")
            _ = try await TenantTests.library(api, "docs", key: b.key, document: "doc-of-b")
            let job = try #require(try await api.call(
                .post, "/v1/jobs/batch_export", #"{"library_id": "\#(library)"}"#, headers: TenantTests.key(a.key))["job_id"]?.string)
            let hook = try #require(try await api.call(
                .post, "/v1/webhooks", #"{"url": "http://127.0.0.1:9/a", "events": ["*"], "active": false}"#, headers: TenantTests.key(a.key))["id"]?.string)
            let secrets = [library, "doc-of-a", job, hook, a.id]
            try await Task.sleep(for: .seconds(2))
            #expect(try await api.call(.get, "/v1/libraries", headers: TenantTests.key(expired.key)).errorMessage?.contains("expired") == true)

            let document = try #require(try await api.call(.get, "/openapi.json", headers: admin).json?.object?["paths"]?.object)
            let values = ["id": library, "doc": "doc-of-a", "job": job, "webhook": hook, "tenant": a.id, "file": "swagger-ui.css"]
            var walked = 0
            for (template, operations) in document.sorted(by: { $0.key < $1.key }) {
                var path = template
                for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
                for (name, method) in Self.methods where operations.object?[name] != nil {
                    walked += 1
                    let body = method == .get ? nil : "{}"
                    for denied in [nil, "arrw_" + String(repeating: "0", count: 32), revoked.key, expired.key] {
                        let reply = try await api.call(method, path, body, headers: denied.map(TenantTests.key) ?? [:])
                        if ["/health", "/readiness"].contains(template) {
                            #expect(reply.status == .ok, "\(name) \(template) is open")
                        } else {
                            #expect(reply.status == .unauthorized && reply.errorCode == "unauthorized", "\(name) \(template) with \(denied ?? "no key"): \(reply.status)")
                        }
                    }
                    guard !Self.endless.contains(template) else { continue }
                    let reply = try await api.client.execute(
                        uri: path, method: method, headers: TenantTests.key(b.key), body: body.map { ByteBuffer(string: $0) }
                    ) { (status: $0.status, text: String(decoding: $0.body.readableBytesView, as: UTF8.self)) }
                    let text = reply.text
                    // An error may echo the id B sent; an answer must hold nothing of A's.
                    #expect(reply.status.code >= 400 || !secrets.contains { text.contains($0) }, "\(name) \(template) showed B some of A's data: \(text)")
                    if template.hasPrefix("/v1/admin/") || template == "/metrics" {
                        #expect(reply.status == .unauthorized, "\(name) \(template): \(reply.status)")
                    } else if template.contains("{id}") || template.contains("{webhook}") || (template.contains("{job}") && method != .post)
                        || template.contains("{doc}")
                    {
                        #expect(reply.status == .notFound, "\(name) \(template) as B: \(reply.status) \(text)")
                    }
                }
            }
            #expect(walked > 60, "\(walked) operations walked")

            let own = TenantTests.key(a.key)
            #expect(try await api.call(.get, "/v1/libraries/\(library)/documents/doc-of-a", headers: own).status == .ok)
            #expect(try await api.call(.get, "/v1/jobs/\(job)", headers: own).status == .ok)
            #expect(try await api.call(.get, "/v1/webhooks/\(hook)", headers: own).status == .ok)
            #expect(try await api.call(.get, "/v1/admin/tenants/\(a.id)", headers: admin)["is_active"] == .bool(true))
        }
    }
}
