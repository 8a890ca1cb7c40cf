import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import Logging
import Testing

/// The server over a durable data directory: what the API acknowledged is there after the
/// database is closed and opened again, and `/health/detailed` reports the storage.
@Suite struct DurableServerTests {
    @Test("acknowledged writes survive a reopen of DATA_DIR; health reports durable storage")
    func reopen() async throws {
        let directory = NSTemporaryDirectory() + "arrw-server-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = testConfiguration { $0.dataDirectory = directory }
        let logger = Logger(label: "test")
        let (first, _) = try ArrwServer.openDatabase(configuration: configuration, logger: logger)
        try await withAPI(configuration, database: first) { api in
            let library = try await api.createLibrary("kept")
            try await api.addDocument(library, #"{"id": "a", "text": "alpha"}"#)
            try await api.addDocument(library, #"{"id": "b", "text": "beta"}"#)
            #expect(try await api.call(.delete, "/v1/libraries/\(library)/documents/a").status == .noContent)
            let health = try await api.call(.get, "/health/detailed")
            let storage = health["components"]?.object?["storage"]?.object
            #expect(storage?["durable"] == .bool(true))
            #expect(storage?["data_dir"] == .string(directory))
            #expect(storage?["durable_through"] == .int(4))
        }
        try first.close()

        let (second, recovery) = try ArrwServer.openDatabase(configuration: configuration, logger: logger)
        #expect(recovery?.walRecordsReplayed == 4)
        try await withAPI(configuration, database: second) { api in
            let libraries = try await api.call(.get, "/v1/libraries")
            let library = try #require(libraries["libraries"]?.array?.first?.object?["id"]?.string)
            #expect(try await api.call(.get, "/v1/libraries/\(library)/documents/a").status == .notFound)
            let kept = try await api.call(.get, "/v1/libraries/\(library)/documents/b")
            #expect(kept["title"] == .string("") && kept["chunks"]?.array?.first?.object?["text"] == .string("beta"))
        }
        try second.close()
    }
}
