import ArrwEngine
import ArrwServer
import ArrwTestSupport
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@Suite struct AccessTests {
    @Test func apiKeysGuardEverythingButHealthAndReadiness() async throws {
        try await withAPI(testConfiguration { $0.apiKeys = ["secret-1", "secret-2"] }) { api in
            #expect(try await api.call(.get, "/health").status == .ok)
            #expect(try await api.call(.get, "/readiness").status == .ok)
            try await api.call(.get, "/v1/libraries").expectError(.unauthorized, "unauthorized")
            try await api.call(.get, "/health/detailed").expectError(.unauthorized, "unauthorized")
            try await api.call(.get, "/v1/libraries", headers: [.authorization: "Bearer wrong"]).expectError(.unauthorized)
            try await api.call(.post, "/v1/libraries", #"{"name": "x"}"#).expectError(.unauthorized)
            #expect(try await api.call(.get, "/v1/libraries", headers: [.authorization: "Bearer secret-1"]).status == .ok)
            let header = HTTPField.Name("X-API-Key")!
            #expect(try await api.call(.get, "/v1/libraries", headers: [header: "secret-2"]).status == .ok)
            #expect(try await api.call(.get, "/v1/libraries", headers: [.authorization: "Bearer secret-1"])["libraries"] == .array([]))
        }
    }

    @Test func rateLimitsAnswer429WithRetryAfter() async throws {
        try await withAPI(testConfiguration { $0.rateLimitEnabled = true; $0.rateLimitPerMinute = 3 }) { api in
            for _ in 0..<3 { #expect(try await api.call(.get, "/v1/libraries").status == .ok) }
            let limited = try await api.call(.get, "/v1/libraries")
            limited.expectError(.tooManyRequests, "rate_limited")
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            #expect(try await api.call(.get, "/health").status == .ok)
        }
    }

    @Test("HTTP requests and WebSocket upgrades spend one bucket per client; another client has its own")
    func oneBucketPerClientWhicheverWayItComesIn() async throws {
        let configuration = testConfiguration {
            $0.apiKeys = ["alice", "bob"]
            $0.rateLimitEnabled = true
            $0.rateLimitPerMinute = 3
        }
        try await withAPI(configuration, setup: .live) { api in
            let port = try #require(api.client.port)
            let alice: HTTPFields = [.authorization: "Bearer alice"]
            let bob: HTTPFields = [.authorization: "Bearer bob"]
            let created = try await api.call(.post, "/v1/libraries", #"{"name": "shared"}"#, headers: alice)
            let path = "/v1/libraries/\(try #require(created["id"]?.string))/ws"
            @Sendable func upgrade(_ key: String) async throws {
                _ = try await RawWebSocket.connect(port: port, path: path, headers: ["Authorization": "Bearer \(key)"])
            }

            try await upgrade("alice")
            #expect(try await api.call(.get, "/v1/libraries", headers: alice).status == .ok)
            try await api.call(.get, "/v1/libraries", headers: alice).expectError(.tooManyRequests, "rate_limited")
            await #expect("the bucket alice spent over HTTP refuses her WebSocket upgrade") {
                try await upgrade("alice")
            } throws: { "\($0)".contains("HTTP/1.1 400") }

            for _ in 0..<3 { try await upgrade("bob") }
            try await api.call(.get, "/v1/libraries", headers: bob).expectError(.tooManyRequests, "rate_limited")
            #expect(try await api.call(.get, "/health").status == .ok)
        }
    }
}
