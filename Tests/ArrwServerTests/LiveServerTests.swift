import ArrwEngine
import ArrwServer
import ArrwTestSupport
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

/// The default `local` MiniLM provider end to end over HTTP.
@Suite struct LocalModelServerTests {
    @Test func kittenFindsTheCatDocumentFirst() async throws {
        let configuration = testConfiguration {
            $0.embeddingProvider = "local"
            $0.embeddingModelPath = modelDirectory() ?? "models/all-MiniLM-L6-v2"
        }
        try await withAPI(configuration, setup: .live) { api in
            let created = try await api.call(.post, "/v1/libraries", #"{"name": "animals"}"#)
            #expect(created["embedding_model"] == .string("all-MiniLM-L6-v2"))
            let lib = try #require(created["id"]?.string)
            let cat = try await api.addDocument(lib, #"{"title": "Cats", "text": "The cat curled up and purred on the warm windowsill."}"#)
            for text in [
                "Quarterly revenue grew by four percent despite supply problems.",
                "The train to the airport leaves every twenty minutes.",
                "Add two cups of flour and stir until the batter is smooth.",
                "The committee will vote on the new zoning rules next week.",
            ] {
                try await api.addDocument(lib, #"{"text": "\#(text)"}"#)
            }
            let search = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "kitten", "k": 5}"#)
            #expect(search.status == .ok)
            #expect(search["results"]?.array?.first?.object?["document_id"] == .string(cat))
            #expect(try await api.counts(lib)["dimension"] == .int(384))
        }
    }
}
