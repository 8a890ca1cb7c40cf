import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import Testing

/// `POST /v1/libraries/{id}/search/hybrid`: alpha 0 is BM25 alone, alpha 1 semantic alone,
/// between them the fused lists with their breakdown; filters and k hold; bad input is a 400.
@Suite struct HybridSearchRouteTests {
    static let texts = [
        "vector databases store embeddings for semantic search", "keyword search ranks documents by BM25",
        "hybrid search fuses keyword and semantic rankings", "cats sleep most of the day", "dogs enjoy long walks in the park",
        "the stock market fell sharply today", "a recipe for tomato soup with basil", "graph indexes such as HNSW answer quickly",
        "inverted indexes map terms to postings", "reciprocal rank fusion combines ranked lists",
    ]

    func library(_ api: API) async throws -> String {
        let library = try await api.createLibrary()
        for (index, text) in Self.texts.enumerated() {
            try await api.addDocument(library, #"{"id": "d\#(index)", "text": "\#(text)", "metadata": {"even": \#(index % 2 == 0)}}"#)
        }
        return library
    }

    func ids(_ reply: Reply) -> [String] {
        (reply["results"]?.array ?? []).compactMap { $0.object?["document_id"]?.string }
    }

    @Test func alphaSelectsTheRetrieversAndFusionCombinesThem() async throws {
        try await withAPI { api in
            let library = try await library(api)
            let keyword = try await api.call(.post, "/v1/libraries/\(library)/search/hybrid", #"{"query": "keyword search ranking", "k": 3, "alpha": 0}"#)
            #expect(keyword.status == .ok)
            let keywordResults = try #require(keyword["results"]?.array)
            #expect(ids(keyword).first == "d1", "BM25 puts the document with the most query terms first")
            #expect(keywordResults.allSatisfy { $0.object?["score_breakdown"]?.object?["vector_rank"] == .null })
            #expect(keywordResults.map { $0.object?["score_breakdown"]?.object?["keyword_rank"] } == [.int(1), .int(2), .int(3)])

            let semantic = try await api.call(.post, "/v1/libraries/\(library)/search/hybrid", #"{"query": "keyword search ranking", "k": 3, "alpha": 1}"#)
            let plain = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "keyword search ranking", "k": 3}"#)
            #expect(ids(semantic) == ids(plain), "alpha 1 is the semantic search alone")

            for fusion in ["rrf", "weighted", "dbsf"] {
                let fused = try await api.call(
                    .post, "/v1/libraries/\(library)/search/hybrid", #"{"query": "keyword search ranking", "k": 5, "fusion": "\#(fusion)"}"#)
                #expect(fused.status == .ok && fused["fusion"] == .string(fusion))
                let results = try #require(fused["results"]?.array)
                #expect(results.count == 5)
                let scores = results.compactMap { $0.object?["score"]?.number }
                #expect(scores == scores.sorted(by: >), "\(fusion): best first")
                #expect(results.allSatisfy { $0.object?["score_breakdown"]?.object?["vector_score"]?.number != nil && $0.object?["distance"]?.number != nil })
            }
            let filtered = try await api.call(
                .post, "/v1/libraries/\(library)/search/hybrid", #"{"query": "search", "k": 5, "filter": {"even": true}}"#)
            #expect(ids(filtered).count == 5 && ids(filtered).allSatisfy { Int($0.dropFirst())! % 2 == 0 }, "k results whenever k chunks pass")
        }
    }

    @Test func badRequests() async throws {
        try await withAPI { api in
            let library = try await library(api)
            let path = "/v1/libraries/\(library)/search/hybrid"
            try await api.call(.post, path, #"{"k": 3}"#).expectError(.badRequest, "validation_error", field: "query")
            try await api.call(.post, path, #"{"query": "x", "alpha": 2}"#).expectError(.badRequest, "validation_error", field: "alpha")
            try await api.call(.post, path, #"{"query": "x", "fusion": "magic"}"#).expectError(.badRequest, "validation_error", field: "fusion")
            try await api.call(.post, path, #"{"query": "x", "k": 5, "candidates": 2}"#).expectError(.badRequest, "validation_error", field: "candidates")
            try await api.call(.post, path, #"{"query": "x", "k": 0}"#).expectError(.badRequest, "limit_exceeded", field: "k")
            try await api.call(.post, path, #"{"query": "x", "filter": {"a": {"$near": 1}}}"#).expectError(.badRequest, "unknown_filter_operator")
            try await api.call(.post, "/v1/libraries/\(UUID().uuidString)/search/hybrid", #"{"query": "x"}"#).expectError(.notFound, "library_not_found")
        }
    }
}
