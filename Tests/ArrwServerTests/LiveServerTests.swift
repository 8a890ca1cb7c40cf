import ArrwEngine
import ArrwServer
import Hummingbird
import HummingbirdTesting
import Testing

/// The real server on 127.0.0.1 with a free port, spoken to over TCP by real HTTP clients.
@Suite struct LiveServerTests {
    @Test(arguments: [TestingSetup.live, .ahc(.http)])
    func readmeWalkthroughOverTheNetwork(setup: TestingSetup) async throws {
        try await withAPI(setup: setup) { api in
            let created = try await api.call(.post, "/v1/libraries", #"{"name": "test", "index_type": "brute_force"}"#)
            #expect(created.status == .created)
            let lib = try #require(created["id"]?.string)
            let document = try await api.call(
                .post, "/v1/libraries/\(lib)/documents", #"{"title": "Test Doc", "text": "This is a test document"}"#)
            #expect(document.status == .created)
            try await api.addDocument(lib, #"{"title": "Other", "text": "Completely unrelated words about gardening"}"#)
            let search = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "test", "k": 5}"#)
            #expect(search.status == .ok)
            #expect(search["results"]?.array?.first?.object?["document_id"] == document["id"])
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "test", "k": 500}"#).expectError(.badRequest)
        }
    }

    @Test func concurrentWritersAndSearchersOverTheNetwork() async throws {
        try await withAPI(setup: .live) { api in
            let lib = try await api.createLibrary()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for index in 0..<25 {
                            try await api.addDocument(lib, #"{"id": "w\#(writer)-\#(index)", "text": "writer \#(writer) item \#(index)"}"#)
                        }
                    }
                }
                for _ in 0..<4 {
                    group.addTask {
                        for _ in 0..<25 {
                            let reply = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "writer item", "k": 5}"#)
                            #expect(reply.status == .ok)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await api.counts(lib)["document_count"] == .int(100))
        }
    }
}
