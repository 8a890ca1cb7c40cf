import ArrwEngine
import Foundation
import NIOHTTP1
import Testing

/// Tenant keys across a crash of a real `arrwdb serve` process: keys are issued, one rotated and
/// one revoked, each change acknowledged, then the server is killed with SIGKILL (snapshotting
/// every second, so some changes are in a snapshot and some only in the log). After the
/// restart the current keys work, the rotated-away and revoked ones are refused, and each
/// tenant sees its own library only.
@Suite struct TenantCrashTests {
    static let admin = "crash-admin"

    @Test("kill -9 after issuing, rotating and revoking keys: after the restart the right keys work and the others do not", .timeLimit(.minutes(2)))
    func killNine() async throws {
        try await CrashHarness.run { harness in
            let settings = ["ADMIN_API_KEY": Self.admin]
            var server = try await harness.start(extra: settings)
            var tenants: [(id: String, key: String, library: String)] = []
            for number in 0..<6 {
                let created = try await harness.http.send(.POST, server.baseURL + "/v1/admin/tenants", #"{"name": "t\#(number)"}"#, key: Self.admin)
                #expect(created.status == 201, "\(created.text)")
                let key = try #require(created["api_key"]?.string)
                let library = try await harness.http.send(.POST, server.baseURL + "/v1/libraries", #"{"name": "same", "dimension": 2}"#, key: key)
                #expect(library.status == 201, "\(library.text)")
                tenants.append((try #require(created["tenant_id"]?.string), key, try #require(library["id"]?.string)))
                try await Task.sleep(for: .milliseconds(300))
            }
            var refused: [String] = []
            for index in [0, 2, 4] {
                let rotated = try await harness.http.send(.POST, server.baseURL + "/v1/admin/tenants/\(tenants[index].id)/rotate", key: Self.admin)
                #expect(rotated.status == 200, "\(rotated.text)")
                refused.append(tenants[index].key)
                tenants[index].key = try #require(rotated["new_api_key"]?.string)
            }
            for index in [1, 4] {
                let revoked = try await harness.http.send(.DELETE, server.baseURL + "/v1/admin/tenants/\(tenants[index].id)", key: Self.admin)
                #expect(revoked.status == 204, "\(revoked.text)")
                refused.append(tenants[index].key)
            }
            await server.crash()
            server = try await harness.start(extra: settings)
            for key in refused {
                #expect(try await harness.http.send(.GET, server.baseURL + "/v1/libraries", key: key).status == 401)
            }
            for (index, tenant) in tenants.enumerated() where ![1, 4].contains(index) {
                let listed = try await harness.http.send(.GET, server.baseURL + "/v1/libraries", key: tenant.key)
                #expect(listed.status == 200, "\(listed.text)")
                #expect(listed["libraries"]?.array?.compactMap { $0.object?["id"]?.string } == [tenant.library], "tenant \(index): \(listed.text)")
            }
            let all = try await harness.http.send(.GET, server.baseURL + "/v1/admin/tenants", key: Self.admin)
            #expect(all["total"] == .int(6))
        }
    }
}
