import ArrwEngine
import ArrwServer
import Hummingbird
import NIOCore
import Testing

/// Every kind of bad input gets the error envelope with a fitting 4xx, and changes nothing.
@Suite struct BadInputTests {
    /// Runs `attempt` against a library holding one document and checks nothing changed after.
    private func expectUnchanged(
        _ configuration: ServerConfiguration = testConfiguration(),
        _ attempt: @Sendable @escaping (API, String) async throws -> Void
    ) async throws {
        try await withAPI(configuration) { api in
            let lib = try await api.createLibrary("stable")
            try await api.addDocument(lib, #"{"id": "keep", "text": "kept text", "metadata": {"n": 1}}"#)
            let before = try await api.call(.get, "/v1/libraries/\(lib)/documents/keep")
            let librariesBefore = try await api.call(.get, "/v1/libraries")
            try await attempt(api, lib)
            let counts = try await api.counts(lib)
            #expect(counts["document_count"] == .int(1))
            #expect(counts["chunk_count"] == .int(1))
            #expect(counts["dimension"] == .int(64))
            #expect(try await api.call(.get, "/v1/libraries/\(lib)/documents/keep").json == before.json)
            #expect(try await api.call(.get, "/v1/libraries")["libraries"]?.array?.count == librariesBefore["libraries"]?.array?.count)
        }
    }

    @Test func malformedJSON() async throws {
        try await expectUnchanged { api, lib in
            try await api.call(.post, "/v1/libraries", #"{"name": "x""#).expectError(.badRequest, "invalid_json")
            try await api.call(.post, "/v1/libraries/\(lib)/documents", "not json").expectError(.badRequest, "invalid_json")
            try await api.call(.post, "/v1/libraries/\(lib)/documents", "").expectError(.badRequest, "invalid_json")
            try await api.call(.post, "/v1/libraries/\(lib)/search", "{'query': 'x'}").expectError(.badRequest, "invalid_json")
        }
    }

    @Test func wrongTypes() async throws {
        try await expectUnchanged { api, lib in
            try await api.call(.post, "/v1/libraries", #"{"name": 5}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries", #"{"name": "x", "dimension": "3"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"text": ["a"]}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"text": "a", "metadata": "m"}"#).expectError(.badRequest)
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "a", "k": 2.5}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query_vector": "abc"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.patch, "/v1/libraries/\(lib)", #"{"description": 1}"#).expectError(.badRequest, "validation_error")
        }
    }

    @Test func missingFields() async throws {
        try await expectUnchanged { api, lib in
            try await api.call(.post, "/v1/libraries", #"{"description": "no name"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"title": "no text"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"k": 3}"#).expectError(.badRequest, "validation_error")
            try await api.call(.delete, "/v1/libraries/\(lib)/documents/batch", "{}").expectError(.badRequest, "validation_error")
        }
    }

    @Test func emptyOverlongAndDuplicateNames() async throws {
        try await expectUnchanged { api, _ in
            try await api.call(.post, "/v1/libraries", #"{"name": ""}"#).expectError(.badRequest, "validation_error")
            let long = String(repeating: "n", count: 129)
            try await api.call(.post, "/v1/libraries", #"{"name": "\#(long)"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries", #"{"name": "stable"}"#).expectError(.conflict, "duplicate_name")
        }
    }

    @Test func unknownLibraryAndDocument() async throws {
        try await expectUnchanged { api, lib in
            try await api.call(.get, "/v1/libraries/00000000-0000-0000-0000-000000000000").expectError(.notFound, "library_not_found")
            try await api.call(.get, "/v1/libraries/\(lib)/documents/ghost").expectError(.notFound, "document_not_found")
            try await api.call(.delete, "/v1/libraries/\(lib)/documents/ghost").expectError(.notFound, "document_not_found")
        }
    }

    @Test func wrongDimensionNaNAndInfinity() async throws {
        try await expectUnchanged { api, lib in
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"chunks": [{"text": "v", "embedding": [1, 2, 3]}]}"#)
                .expectError(.badRequest, "dimension_mismatch")
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query_vector": [1, 2, 3]}"#)
                .expectError(.badRequest, "dimension_mismatch")
            let nan = "[" + Array(repeating: "0.5", count: 63).joined(separator: ",") + ", NaN]"
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"chunks": [{"text": "v", "embedding": \#(nan)}]}"#)
                .expectError(.badRequest)
            let infinite = "[" + Array(repeating: "0.5", count: 63).joined(separator: ",") + ", Infinity]"
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query_vector": \#(infinite)}"#).expectError(.badRequest)
            let overflow = "[" + Array(repeating: "0.5", count: 63).joined(separator: ",") + ", 1e39]"
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"chunks": [{"text": "v", "embedding": \#(overflow)}]}"#)
                .expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query_vector": \#(overflow)}"#)
                .expectError(.badRequest, "validation_error")
        }
    }

    @Test func tooManyChunksAndOverlongText() async throws {
        let configuration = testConfiguration {
            $0.limits.maxChunksPerDocument = 5
            $0.limits.maxTextLengthPerChunk = 50
        }
        try await expectUnchanged(configuration) { api, lib in
            let six = "[" + Array(repeating: #""t""#, count: 6).joined(separator: ",") + "]"
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"texts": \#(six)}"#).expectError(.badRequest, "limit_exceeded")
            let long = String(repeating: "w", count: 51)
            try await api.call(.post, "/v1/libraries/\(lib)/documents", #"{"text": "\#(long)"}"#).expectError(.badRequest, "limit_exceeded")
            try await api.call(.put, "/v1/libraries/\(lib)/documents/keep", #"{"text": "\#(long)"}"#).expectError(.badRequest, "limit_exceeded")
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "\#(long)"}"#).expectError(.badRequest, "limit_exceeded")
        }
    }

    @Test("a bad document in any input form is a 400 naming the field as the client wrote it")
    func documentInputForms() async throws {
        let configuration = testConfiguration {
            $0.limits.maxChunksPerDocument = 3
            $0.limits.maxTextLengthPerChunk = 10
        }
        try await expectUnchanged(configuration) { api, lib in
            let cases: [(String, String, String?)] = [
                (#"{"texts": ["a", "b", "c", "d"]}"#, "limit_exceeded", "texts"),
                (#"{"text": "this is longer than ten"}"#, "limit_exceeded", "text"),
                (#"{"texts": ["a", ""]}"#, "validation_error", "texts[1]"),
                (#"{"chunks": [{"text": "a"}, {"text": "eleven char"}]}"#, "limit_exceeded", "chunks[1].text"),
                (#"{"title": "no text"}"#, "validation_error", nil),
                (#"{"text": "a", "texts": ["b"]}"#, "validation_error", nil),
                (#"{"text": ""}"#, "validation_error", "text"),
                (#"{"text": 5}"#, "validation_error", "text"),
                (#"{"chunks": []}"#, "validation_error", "chunks"),
                (#"{"chunks": [{"embedding": [1, "x"]}]}"#, "validation_error", "chunks[0].embedding"),
                (#"{"chunks": [{"embedding": [1e39]}]}"#, "validation_error", "chunks[0].embedding"),
                (#"{"chunks": [{"embedding": [1, 2]}, {"embedding": [1]}]}"#, "validation_error", "chunks"),
                (#"{"chunks": [{"metadata": {}}]}"#, "validation_error", "chunks[0].text"),
                (#"{"id": "has space", "text": "a"}"#, "validation_error", "id"),
                (#"{"id": "batch", "text": "a"}"#, "validation_error", "id"),
                (#"{"text": "a", "metadata": [1]}"#, "validation_error", "metadata"),
                (#""just a string""#, "validation_error", nil),
            ]
            for (body, code, field) in cases {
                let reply = try await api.call(.post, "/v1/libraries/\(lib)/documents", body)
                reply.expectError(.badRequest, code)
                let details = reply["error"]?.object?["details"]?.object
                #expect(details?["field"]?.string == field, "\(body): \(String(describing: reply.json))")
            }
        }
    }

    @Test func kOverTheLimit() async throws {
        try await expectUnchanged { api, lib in
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "a", "k": 101}"#).expectError(.badRequest, "limit_exceeded")
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "a", "k": 0}"#).expectError(.badRequest, "limit_exceeded")
        }
    }

    @Test func oversizedBody() async throws {
        let configuration = testConfiguration { $0.maxRequestBodyBytes = 4096 }
        try await expectUnchanged(configuration) { api, lib in
            let big = #"{"text": "\#(String(repeating: "b", count: 5000))"}"#
            try await api.call(.post, "/v1/libraries/\(lib)/documents", big).expectError(.contentTooLarge, "payload_too_large")
            try await api.call(.put, "/v1/libraries/\(lib)/documents/keep", big).expectError(.contentTooLarge, "payload_too_large")
        }
    }

    @Test func unknownFilterOperator() async throws {
        try await expectUnchanged { api, lib in
            let reply = try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "a", "filter": {"n": {"$regex": "x"}}}"#)
            reply.expectError(.badRequest, "unknown_filter_operator")
            #expect(reply.json?.object?["error"]?.object?["message"]?.string?.contains("$regex") == true)
            try await api.call(.post, "/v1/libraries/\(lib)/search", #"{"query": "a", "filter": {"$and": 1}}"#)
                .expectError(.badRequest, "invalid_filter")
        }
    }
}
