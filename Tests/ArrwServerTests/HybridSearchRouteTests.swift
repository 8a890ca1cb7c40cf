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

    @Test("with MAX_SEARCH_RESULTS above 1000, a k above 1000 is served by hybrid and reranked search (it once trapped on an empty range)")
    func kAboveAThousand() async throws {
        try await withAPI(testConfiguration { $0.limits.maxSearchResults = 5000 }) { api in
            let library = try await library(api)
            for route in ["hybrid", "rerank"] {
                let reply = try await api.call(.post, "/v1/libraries/\(library)/search/\(route)", #"{"query": "search", "k": 1500}"#)
                #expect(reply.status == .ok, "\(route): \(String(describing: reply.json))")
                #expect(reply["results"]?.array?.count == Self.texts.count)
                try await api.call(.post, "/v1/libraries/\(library)/search/\(route)", #"{"query": "search", "k": 1500, "candidates": 1400}"#)
                    .expectError(.badRequest, "validation_error", field: "candidates")
            }
        }
    }

    @Test func originalFieldsScoreAsTheOriginalDid() async throws {
        try await withAPI { api in
            let library = try await library(api)
            let path = "/v1/libraries/\(library)/search/hybrid"
            let reply = try await api.call(
                .post, path, #"{"query": "semantic search", "k": 4, "vector_weight": 0.6, "metadata_weight": 0.4, "recency_boost": true, "recency_half_life_days": 10}"#)
            #expect(reply.status == .ok)
            let config = try #require(reply["scoring_config"]?.object)
            #expect(config["vector_weight"]?.number == 0.6 && config["metadata_weight"]?.number == 0.4 && config["recency_boost"] == .bool(true))
            #expect(config["recency_half_life_days"]?.number == 10 && config["alpha"]?.number == 1 && config["fusion"] == .string("weighted"))
            #expect(reply["total_results"]?.number == 4 && reply["alpha"]?.number == 1, "alpha defaults to 1 in the original's mode")
            let plain = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "semantic search", "k": 4}"#)
            #expect(ids(reply) == ids(plain), "every document is as recent: the order is the vector order")
            for result in try #require(reply["results"]?.array) {
                let breakdown = try #require(result.object?["score_breakdown"]?.object)
                let distance = try #require(breakdown["vector_distance"]?.number)
                let vectorScore = min(1, max(0, 1 - distance / 2))
                #expect(breakdown["vector_score"]?.number.map { abs($0 - vectorScore) < 1e-9 } == true)
                #expect(breakdown["recency_boost"]?.number.map { $0 > 0.9999 && $0 <= 1 } == true, "made just now")
                let hybrid = 0.6 * vectorScore + 0.4 * (breakdown["metadata_score"]?.number ?? -1)
                #expect(breakdown["hybrid_score"]?.number.map { abs($0 - hybrid) < 1e-9 } == true)
                #expect(result.object?["score"] == breakdown["hybrid_score"])
                #expect(breakdown["vector_weight"]?.number == 0.6 && breakdown["metadata_weight"]?.number == 0.4)
            }

            let defaults = try await api.call(.post, path, #"{"query": "semantic search", "k": 3, "vector_weight": 0.7}"#)
            let breakdowns = try #require(defaults["results"]?.array).compactMap { $0.object?["score_breakdown"]?.object }
            #expect(breakdowns.count == 3 && breakdowns.allSatisfy { $0["metadata_score"]?.number == 0 && $0["recency_boost"] == .null })
            #expect(defaults["scoring_config"]?.object?["metadata_weight"]?.number.map { abs($0 - 0.3) < 1e-9 } == true)

            let blended = try await api.call(.post, path, #"{"query": "keyword search", "k": 3, "alpha": 0.5, "fusion": "rrf", "vector_weight": 1, "metadata_weight": 0}"#)
            for result in try #require(blended["results"]?.array) {
                let breakdown = try #require(result.object?["score_breakdown"]?.object)
                let fused = try #require(breakdown["fused_score"]?.number)
                #expect(breakdown["relevance"]?.number.map { abs($0 - fused * 61) < 1e-9 } == true, "RRF's fused score on 0…1")
            }

            try await api.call(.post, path, #"{"query": "x", "vector_weight": 0.5, "metadata_weight": 0.2}"#)
                .expectError(.badRequest, "validation_error", field: "metadata_weight")
            try await api.call(.post, path, #"{"query": "x", "vector_weight": 1.5}"#).expectError(.badRequest, "validation_error", field: "vector_weight")
            try await api.call(.post, path, #"{"query": "x", "recency_boost": "yes"}"#).expectError(.badRequest, "validation_error", field: "recency_boost")
            try await api.call(.post, path, #"{"query": "x", "recency_half_life_days": 0.5}"#)
                .expectError(.badRequest, "validation_error", field: "recency_half_life_days")
        }
    }

    @Test func textAnalyzerIsChosenAtCreation() async throws {
        try await withAPI { api in
            let english = try await api.createLibrary("english")
            let simple = try await api.createLibrary("simple", extra: #", "text_analyzer": "simple""#)
            let none = try await api.createLibrary("none", extra: #", "text_analyzer": "none""#)
            for library in [english, simple, none] {
                try await api.addDocument(library, #"{"id": "a", "text": "The running of the bulls"}"#)
                try await api.addDocument(library, #"{"id": "b", "text": "bulls run"}"#)
            }
            #expect(try await api.call(.get, "/v1/libraries/\(simple)")["text_analyzer"] == .string("simple"))
            #expect(try await api.call(.get, "/v1/libraries/\(english)")["text_analyzer"] == .string("english"))
            let query = #"{"query": "the runs", "k": 5, "alpha": 0}"#
            let stemmed = try await api.call(.post, "/v1/libraries/\(english)/search/hybrid", query)
            #expect(Set(ids(stemmed)) == ["a", "b"], "english: 'the' is a stop word, 'runs' and 'running' stem to 'run'")
            let literal = try await api.call(.post, "/v1/libraries/\(simple)/search/hybrid", query)
            #expect(ids(literal) == ["a"], "simple: only 'the' matches, as written")
            try await api.call(.post, "/v1/libraries/\(none)/search/hybrid", query).expectError(.badRequest, "validation_error", field: "alpha")
            #expect(try await api.call(.post, "/v1/libraries/\(none)/search/hybrid", #"{"query": "bulls", "alpha": 1}"#).status == .ok)
            try await api.call(.post, "/v1/libraries/\(none)/search/rerank", #"{"query": "bulls", "method": "bm25"}"#)
                .expectError(.badRequest, "validation_error", field: "method")

            let statistics = try await api.call(.get, "/v1/libraries/\(english)/statistics")
            let keywordIndex = try #require(statistics["keyword_index"]?.object)
            #expect(keywordIndex["analyzer"] == .string("english") && keywordIndex["terms"] == .int(2), "'run' and 'bull'")
            #expect((keywordIndex["memory_bytes"]?.number ?? 0) > 0)
            #expect(try await api.call(.get, "/v1/libraries/\(none)/statistics")["keyword_index"] == .null)
            try await api.call(.post, "/v1/libraries", #"{"name": "bad", "text_analyzer": "klingon"}"#)
                .expectError(.badRequest, "validation_error", field: "text_analyzer")
        }
    }
}
