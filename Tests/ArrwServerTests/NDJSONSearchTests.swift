import ArrwEngine
import Hummingbird
import Testing

/// `POST /v1/libraries/{id}/search/stream`: the `/search` body, answered as `/search` answers or,
/// with `Accept: application/x-ndjson`, one result per line then a summary line.
@Suite struct NDJSONSearchTests {
    /// The answer of `/search` without its timing, which differs between two calls.
    private func untimed(_ reply: Reply) -> JSONValue? {
        reply.json?.object.map { object in .object(object.filter { $0.key != "query_time_ms" }) }
    }

    @Test func searchStreamInBothModes() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            try await api.addDocument(lib, #"{"title": "Test Doc", "text": "This is a test document"}"#)
            try await api.addDocument(lib, #"{"text": "Bananas grow in warm climates"}"#)
            try await api.addDocument(lib, #"{"text": "The stock market closed higher", "metadata": {"kind": "news"}}"#)
            let query = #"{"query": "test", "k": 5}"#
            let plain = try await api.call(.post, "/v1/libraries/\(lib)/search", query)
            let results = try #require(plain["results"]?.array)
            #expect(results.count == 3)

            let json = try await api.call(.post, "/v1/libraries/\(lib)/search/stream", query)
            #expect(json.status == .ok)
            #expect(json.headers[.contentType] == "application/json")
            #expect(untimed(json) == untimed(plain))
            #expect(json["query_time_ms"]?.number != nil)

            let streamed = try await api.postAcceptingNDJSON("/v1/libraries/\(lib)/search/stream", query, contentType: "application/json")
            #expect(streamed.status == .ok)
            #expect(streamed.contentType == "application/x-ndjson")
            #expect(Array(streamed.lines.dropLast()) == results)
            let summary = try #require(streamed.lines.last?.object?["summary"]?.object)
            #expect(summary["total"] == .int(3))
            #expect(summary["query_time_ms"]?.number.map { $0 >= 0 } == true)
            #expect(summary.keys.sorted() == ["query_time_ms", "total"])

            let filtered = try await api.postAcceptingNDJSON(
                "/v1/libraries/\(lib)/search/stream", #"{"query": "test", "k": 5, "filter": {"kind": "news"}}"#, contentType: "application/json")
            #expect(filtered.lines.count == 2)
            #expect(filtered.lines.last?.object?["summary"]?.object?["total"] == .int(1))
        }
    }

    @Test func badSearchesAreTheErrorEnvelopeInBothModes() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            try await api.addDocument(lib, #"{"text": "anything"}"#)
            try await api.call(.post, "/v1/libraries/\(lib)/search/stream", #"{"query": "x", "k": 0}"#).expectError(.badRequest, "limit_exceeded")
            try await api.call(.post, "/v1/libraries/nope/search/stream", #"{"query": "x"}"#).expectError(.notFound, "library_not_found")
            let streamed = try await api.postAcceptingNDJSON(
                "/v1/libraries/\(lib)/search/stream", #"{"query": "x", "filter": {"a": {"$near": 1}}}"#, contentType: "application/json")
            #expect(streamed.status == .badRequest)
            #expect(streamed.lines.first?.object?["error"]?.object?["code"] == .string("unknown_filter_operator"))
        }
    }
}
