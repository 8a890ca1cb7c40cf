import ArrwEmbedding
import ArrwEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArrwServer

/// `/health/detailed` checks each component for real, and while the server starts only the
/// probes answer.
@Suite struct HealthTests {
    /// An embedder that always fails, as a remote provider that is down does.
    struct DownEmbedder: EmbeddingProvider {
        var modelName: String { "down" }
        var dimension: Int { 8 }
        func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
            throw EmbeddingError("the provider is unreachable")
        }
    }

    @Test("a durable server reports its data directory writable with its free space; a failing embedder makes the answer 503 unhealthy")
    func components() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "arrwdb-health-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (database, _) = try Database.open(directory: directory, embedders: try ArrwServer.makeEmbedders(testConfiguration()))
        try await withAPI(database: database) { api in
            let reply = try await api.call(.get, "/health/detailed")
            #expect(reply.status == .ok && reply["status"] == .string("healthy"))
            let data = try #require(reply["components"]?.object?["data_directory"]?.object)
            #expect(data["writable"] == .bool(true) && data["path"] == .string(directory))
            #expect((data["free_bytes"]?.number ?? 0) > 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.hasPrefix(".health-probe") })
            #expect((reply["components"]?.object?["embedding"]?.object?["latency_ms"]?.number ?? -1) >= 0)
        }
        try await withAPI(database: Database(embedder: DownEmbedder())) { api in
            let reply = try await api.call(.get, "/health/detailed")
            #expect(reply.status == .serviceUnavailable && reply["status"] == .string("unhealthy"))
            let embedding = try #require(reply["components"]?.object?["embedding"]?.object)
            #expect(embedding["status"] == .string("unhealthy") && embedding["error"]?.string?.contains("unreachable") == true)
        }
    }

    @Test("while the server starts, /health is 200 starting, /readiness 503 with the reason, anything else 503 not_ready")
    func startup() async throws {
        let application = Application(router: StartupServer.router(reason: "recovering the data directory"))
        try await application.test(.router) { client in
            let api = API(client: client)
            #expect(try await api.call(.get, "/health")["status"] == .string("starting"))
            let readiness = try await api.call(.get, "/readiness")
            #expect(readiness.status == .serviceUnavailable && readiness["ready"] == .bool(false))
            #expect(readiness["reason"] == .string("recovering the data directory"))
            let refused = try await api.call(.post, "/v1/libraries", #"{"name": "early"}"#)
            refused.expectError(.serviceUnavailable, "not_ready")
            #expect(refused.headers[.retryAfter] == "1")
        }
    }
}
