import ArrwEngine
import Hummingbird
import Testing

@Suite struct SearchRouteTests {
    @Test func textSearchRanksSharedWordsFirst() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let target = try await api.addDocument(lib, #"{"title": "Test Doc", "text": "This is a test document"}"#)
            try await api.addDocument(lib, #"{"text": "Bananas grow in warm climates"}"#)
            try await api.addDocument(lib, #"{"text": "The stock market closed higher"}"#)
            let reply = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "test", "k": 5}"#)
            #expect(reply.status == .ok)
            let results = try #require(reply["results"]?.array?.compactMap { $0.object })
            #expect(results.count == 3)
            #expect(reply["total"] == .int(3))
            #expect(reply["query_time_ms"]?.number != nil)
            #expect(results[0]["document_id"] == .string(target))
            #expect(results[0]["chunk"]?.object?["text"] == .string("This is a test document"))
            let distances = results.compactMap { $0["distance"]?.number }
            #expect(distances == distances.sorted())
            for result in results {
                let distance = try #require(result["distance"]?.number)
                let score = try #require(result["score"]?.number)
                #expect(abs(score - (1 - distance)) < 1e-9)
            }
        }
    }

    @Test func vectorSearchWithFiltersThresholdAndEmbeddings() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary("vectors", extra: #", "metric": "l2""#)
            for (index, vector) in ["[0, 0]", "[1, 0]", "[0, 2]", "[3, 3]"].enumerated() {
                try await api.addDocument(
                    lib, #"{"id": "p\#(index)", "metadata": {"even": \#(index % 2 == 0)}, "chunks": [{"text": "p", "embedding": \#(vector)}]}"#)
            }
            let all = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query_vector": [0, 0], "k": 4}"#)
            #expect(all["results"]?.array?.compactMap { $0.object?["document_id"]?.string } == ["p0", "p1", "p2", "p3"])
            #expect(all["results"]?.array?[2].object?["distance"]?.number == 2)
            #expect(all["results"]?.array?[2].object?["score"]?.number == 1.0 / 3.0)

            let filtered = try await api.call(
                .post, "/v1/libraries/\(lib)/search", #"{"query_vector": [0, 0], "k": 4, "filter": {"even": true}}"#)
            #expect(filtered["results"]?.array?.compactMap { $0.object?["document_id"]?.string } == ["p0", "p2"])

            let metadata = try await api.call(
                .post, "/v1/libraries/\(lib)/search/metadata", #"{"query_vector": [0, 0], "k": 4, "filter": {"even": false}}"#)
            #expect(metadata["results"]?.array?.compactMap { $0.object?["document_id"]?.string } == ["p1", "p3"])
            try await api.call(.post, "/v1/libraries/\(lib)/search/metadata", #"{"query_vector": [0, 0], "k": 4}"#)
                .expectError(.badRequest, "validation_error")

            let near = try await api.call(
                .post, "/v1/libraries/\(lib)/search",
                #"{"query_vector": [0, 0], "k": 4, "distance_threshold": 1.5, "include_embeddings": true}"#)
            let hits = try #require(near["results"]?.array?.compactMap { $0.object })
            #expect(hits.count == 2)
            #expect(hits[1]["chunk"]?.object?["embedding"]?.array?.compactMap { $0.number } == [1, 0])
        }
    }

    @Test func emptyLibrariesAnswerNoResults() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let reply = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "anything"}"#)
            #expect(reply.status == .ok)
            #expect(reply["results"] == .array([]))
        }
    }
}
