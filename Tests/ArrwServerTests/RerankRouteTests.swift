import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// `POST /v1/libraries/{id}/search/rerank`: each method's order and score, MMR's diversity,
/// the original's field names, and bad input as 400s.
@Suite struct RerankRouteTests {
    /// A 16-dimensional vector with the given components, the rest 0.
    static func vector(_ components: [Int: Double]) -> String {
        "[" + (0..<16).map { String(components[$0] ?? 0) }.joined(separator: ", ") + "]"
    }

    /// The query is the first axis. Ten near-duplicates sit at cosine 0.99 from it, all within
    /// a hair of each other; ten distinct points sit at 0.8, each off along an axis of its own.
    func plantedDuplicates(_ api: API) async throws -> String {
        let library = try await api.createLibrary("planted")
        for copy in 0..<10 {
            let embedding = Self.vector([0: 0.99, 1: 0.141, 15: Double(copy) * 0.0005])
            try await api.addDocument(library, #"{"id": "dup\#(copy)", "chunks": [{"text": "copy", "embedding": \#(embedding)}]}"#)
        }
        for other in 0..<10 {
            let embedding = Self.vector([0: 0.8, 2 + other: 0.6])
            try await api.addDocument(library, #"{"id": "other\#(other)", "chunks": [{"text": "other", "embedding": \#(embedding)}]}"#)
        }
        return library
    }

    func ids(_ reply: Reply) -> [String] {
        (reply["results"]?.array ?? []).compactMap { $0.object?["document_id"]?.string }
    }

    @Test func mmrReturnsFewerNearDuplicatesThanPlainSearch() async throws {
        try await withAPI { api in
            let library = try await plantedDuplicates(api)
            let query = Self.vector([0: 1])
            let plain = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query_vector": \#(query), "k": 5}"#)
            #expect(ids(plain).allSatisfy { $0.hasPrefix("dup") }, "plain search fills the top 5 with the duplicates: \(ids(plain))")

            let mmr = try await api.call(
                .post, "/v1/libraries/\(library)/search/rerank",
                #"{"query": "q", "query_vector": \#(query), "k": 5, "candidates": 20, "method": "mmr", "rerank_params": {"lambda": 0.5}}"#)
            #expect(mmr.status == .ok)
            #expect(mmr["rerank_function"] == .string("mmr") && mmr["rerank_params"]?.object?["lambda"] == .double(0.5))
            let picked = ids(mmr)
            #expect(picked.count == 5 && picked.first?.hasPrefix("dup") == true, "the most relevant comes first: \(picked)")
            #expect(picked.filter { $0.hasPrefix("dup") }.count == 1, "one of the near-duplicates, then distinct points: \(picked)")

            let relevanceOnly = try await api.call(
                .post, "/v1/libraries/\(library)/search/rerank",
                #"{"query": "q", "query_vector": \#(query), "k": 5, "method": "mmr", "rerank_params": {"lambda": 1}}"#)
            #expect(ids(relevanceOnly) == ids(plain), "lambda 1 is relevance order")
        }
    }

    @Test func originalMethodsReorderBySimilarityAndTheirSignal() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            let long = String(repeating: "apples and pears ", count: 200)
            try await api.addDocument(library, #"{"id": "short", "text": "apples"}"#)
            try await api.addDocument(library, #"{"id": "long", "text": "\#(long)"}"#)
            try await api.addDocument(library, #"{"id": "multi", "texts": ["pears first", "apples second"]}"#)
            let path = "/v1/libraries/\(library)/search/rerank"

            let longer = try await api.call(.post, path, #"{"query": "apples", "k": 4, "rerank_function": "length"}"#)
            #expect(longer.status == .ok && longer["rerank_function"] == .string("length"))
            #expect(longer["rerank_params"] == .object(["prefer_longer": .bool(true)]))
            for result in try #require(longer["results"]?.array) {
                let object = try #require(result.object)
                let distance = try #require(object["distance"]?.number)
                let text = try #require(object["chunk"]?.object?["text"]?.string)
                let expected = 0.85 * min(1, max(0, 1 - distance / 2)) + 0.15 * min(1, Double(text.count) / 5000)
                #expect(abs((object["score"]?.number ?? 0) - expected) < 1e-6, "length score of \(text.prefix(10))")
            }
            let shorter = try await api.call(.post, path, #"{"query": "apples", "k": 4, "method": "length", "rerank_params": {"prefer_longer": false}}"#)
            for result in try #require(shorter["results"]?.array) {
                let object = try #require(result.object)
                let text = try #require(object["chunk"]?.object?["text"]?.string)
                let expected = 0.85 * min(1, max(0, 1 - (object["distance"]?.number ?? 0) / 2)) + 0.15 * (1 - min(1, Double(text.count) / 5000))
                #expect(abs((object["score"]?.number ?? 0) - expected) < 1e-6, "shorter-first score of \(text.prefix(10))")
            }
            for reply in [longer, shorter] {
                let scores = try #require(reply["results"]?.array).compactMap { $0.object?["score"]?.number }
                #expect(scores.count == 4 && scores == scores.sorted(by: >), "best first")
            }

            let early = try await api.call(.post, path, #"{"query": "apples second", "k": 4, "method": "position"}"#)
            let positions = try #require(early["results"]?.array).compactMap { result -> (String, Double)? in
                guard let object = result.object, let text = object["chunk"]?.object?["text"]?.string, let score = object["score"]?.number,
                      let distance = object["distance"]?.number else { return nil }
                let position = text == "apples second" ? 1.0 : 0.0
                #expect(abs(score - (0.8 * min(1, max(0, 1 - distance / 2)) + 0.2 * (1 - position / 100))) < 1e-6)
                return (text, score)
            }
            #expect(positions.count == 4)

            let recent = try await api.call(.post, path, #"{"query": "apples", "k": 2, "rerank_params": {"half_life_days": 7}}"#)
            #expect(recent["rerank_function"] == .string("recency"), "recency is the original's default")
            for result in try #require(recent["results"]?.array) {
                let object = try #require(result.object)
                let similarity = min(1, max(0, 1 - (object["distance"]?.number ?? 0) / 2))
                #expect(abs((object["score"]?.number ?? 0) - (0.7 * similarity + 0.3)) < 1e-4, "documents made just now: a boost of 1")
            }
            #expect(recent["total_results"] == .int(2))

            let keyword = try await api.call(.post, path, #"{"query": "pears", "k": 4, "method": "bm25"}"#)
            let keywordIds = ids(keyword)
            #expect(Set(keywordIds.prefix(2)) == ["long", "multi"], "the chunks holding 'pears' lead: \(keywordIds)")
            let scores = try #require(keyword["results"]?.array).compactMap { $0.object?["score"]?.number }
            #expect(scores == scores.sorted(by: >) && scores.last == 0)
        }
    }

    @Test func badRequests() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            try await api.addDocument(library, #"{"text": "something"}"#)
            let path = "/v1/libraries/\(library)/search/rerank"
            try await api.call(.post, path, #"{"k": 3}"#).expectError(.badRequest, "validation_error", field: "query")
            try await api.call(.post, path, #"{"query": "x", "method": "magic"}"#).expectError(.badRequest, "validation_error", field: "method")
            try await api.call(.post, path, #"{"query": "x", "rerank_function": 3}"#).expectError(.badRequest, "validation_error", field: "rerank_function")
            try await api.call(.post, path, #"{"query": "x", "method": "mmr", "rerank_params": {"lambda": 2}}"#)
                .expectError(.badRequest, "validation_error", field: "rerank_params.lambda")
            try await api.call(.post, path, #"{"query": "x", "method": "mmr", "rerank_params": {"half_life_days": 2}}"#)
                .expectError(.badRequest, "validation_error", field: "rerank_params.half_life_days")
            try await api.call(.post, path, #"{"query": "x", "method": "position", "rerank_params": {"prefer_early": "yes"}}"#)
                .expectError(.badRequest, "validation_error", field: "rerank_params.prefer_early")
            try await api.call(.post, path, #"{"query": "x", "rerank_params": []}"#).expectError(.badRequest, "validation_error", field: "rerank_params")
            try await api.call(.post, path, #"{"query": "x", "k": 5, "candidates": 2}"#).expectError(.badRequest, "validation_error", field: "candidates")
            try await api.call(.post, path, #"{"query": "x", "k": 0}"#).expectError(.badRequest, "limit_exceeded", field: "k")
            try await api.call(.post, path, #"{"query": "x", "method": "cohere"}"#).expectError(.badRequest, "reranker_unavailable")
            try await api.call(.post, "/v1/libraries/\(UUID().uuidString)/search/rerank", #"{"query": "x"}"#)
                .expectError(.notFound, "library_not_found")
        }
    }
}

/// The `cohere` method against a loopback server speaking Cohere's wire format.
@Suite struct CohereRerankTests {
    func library(_ api: API) async throws -> String {
        let library = try await api.createLibrary()
        for (index, text) in ["alpha beta", "beta gamma", "gamma delta"].enumerated() {
            try await api.addDocument(library, #"{"id": "d\#(index)", "text": "\#(text)"}"#)
        }
        return library
    }

    /// Runs `body` against a server whose `cohere` method calls `stub` with `key`, on a fresh
    /// library of three documents.
    func withCohere(_ stub: ServiceStub, key: String, _ body: @Sendable @escaping (API, String) async throws -> Void) async throws {
        try await stub.serve { base in
            let configuration = testConfiguration {
                $0.cohereAPIKey = key
                $0.cohereBaseURL = base
            }
            try await withAPI(configuration) { api in try await body(api, try await library(api)) }
        }
    }

    @Test func sendsCohereWireFormatAndMapsItsAnswer() async throws {
        let stub = ServiceStub(path: "/v2/rerank", script: [
            (.ok, [:], #"{"id": "r1", "results": [{"index": 2, "relevance_score": 0.91}, {"index": 0, "relevance_score": 0.42}], "meta": {"billed_units": {"search_units": 1}}}"#)
        ])
        try await withCohere(stub, key: "test-key") { api, library in
            let plain = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "beta", "k": 3}"#)
            let reply = try await api.call(
                .post, "/v1/libraries/\(library)/search/rerank", #"{"query": "beta", "k": 2, "candidates": 3, "method": "cohere"}"#)
            #expect(reply.status == .ok, "\(String(describing: reply.json))")
            let plainTexts = try #require(plain["results"]?.array).compactMap { $0.object?["chunk"]?.object?["text"]?.string }
            let texts = try #require(reply["results"]?.array).compactMap { $0.object?["chunk"]?.object?["text"]?.string }
            #expect(texts == [plainTexts[2], plainTexts[0]], "Cohere's order, by its indexes into the candidates sent")
            #expect(try #require(reply["results"]?.array).map { $0.object?["score"] } == [.double(0.91), .double(0.42)])
            #expect(reply["rerank_params"] == .object(["model": .string("rerank-v3.5")]))
        }
        let sent = try #require(stub.calls.first)
        #expect(sent.authorization == "Bearer test-key" && sent.contentType == "application/json")
        let body = try #require(sent.body.object)
        #expect(body["model"] == .string("rerank-v3.5") && body["query"] == .string("beta") && body["top_n"] == .int(2))
        #expect(body["documents"]?.array?.count == 3, "every candidate's text, as plain strings")
        #expect(body["documents"]?.array?.allSatisfy { $0.string != nil } == true)
    }

    @Test func mapsRateLimitsAndErrors() async throws {
        let stub = ServiceStub(path: "/v2/rerank", script: [
            (.tooManyRequests, [.retryAfter: "7"], #"{"message": "You are using a Trial key, which is limited to 10 API calls / minute."}"#),
            (.badRequest, [:], #"{"message": "invalid request: query must not be empty"}"#),
            (.internalServerError, [:], "upstream exploded"),
            (.ok, [:], #"{"results": [{"index": 99, "relevance_score": 0.5}]}"#),
            (.ok, [:], #"{"results": [{"index": 0, "relevance_score": 0.5}]}"#),
        ])
        try await withCohere(stub, key: "k") { api, library in
            let path = "/v1/libraries/\(library)/search/rerank"
            let body = #"{"query": "beta", "k": 2, "method": "cohere", "rerank_params": {"model": "rerank-english-v3.0"}}"#
            let limited = try await api.call(.post, path, body)
            limited.expectError(.tooManyRequests, "rerank_rate_limited")
            #expect(limited.headers[.retryAfter] == "7", "Cohere's own Retry-After")
            #expect(limited.errorMessage?.contains("Trial key") == true)
            let rejected = try await api.call(.post, path, body)
            rejected.expectError(.serviceUnavailable, "rerank_failed")
            #expect(rejected.errorMessage?.contains("query must not be empty") == true)
            try await api.call(.post, path, body).expectError(.serviceUnavailable, "rerank_failed")
            try await api.call(.post, path, body).expectError(.serviceUnavailable, "rerank_failed")
            let fine = try await api.call(.post, path, body)
            #expect(fine.status == .ok && fine["rerank_params"] == .object(["model": .string("rerank-english-v3.0")]))
        }
        #expect(stub.calls.count == 5)
        #expect(stub.calls.allSatisfy { $0.body.object?["model"] == .string("rerank-english-v3.0") })
    }
}
