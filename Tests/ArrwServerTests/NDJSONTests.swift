import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A streamed answer: status, content type and every line of the body parsed as JSON.
struct NDJSONReply: Sendable {
    var status: HTTPResponse.Status
    var contentType: String?
    var lines: [JSONValue]
}

extension API {
    /// POSTs `body` as `application/x-ndjson`, asking for an NDJSON answer.
    func postAcceptingNDJSON(_ uri: String, _ body: String, contentType: String = "application/x-ndjson") async throws -> NDJSONReply {
        let headers: HTTPFields = [.contentType: contentType, .accept: "application/x-ndjson"]
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            let lines = try String(buffer: response.body).split(separator: "\n").map { line in
                try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            }
            return NDJSONReply(status: response.status, contentType: response.headers[.contentType], lines: lines)
        }
    }

    /// POSTs `body` as `application/x-ndjson` and reads the JSON answer.
    func postNDJSON(_ uri: String, _ body: String) async throws -> Reply {
        try await raw(.post, uri, ByteBuffer(string: body), headers: [.contentType: "application/x-ndjson"])
    }
}

extension Reply {
    /// The `results` of a batch answer as objects.
    var batchResults: [[String: JSONValue]] { self["results"]?.array?.compactMap(\.object) ?? [] }
}

@Suite struct NDJSONTests {
    /// The original arrwDB README's `documents.ndjson`.
    static let threeDocuments = """
        {"title": "Doc 1", "texts": ["First document content"]}
        {"title": "Doc 2", "texts": ["Second document content"]}
        {"title": "Doc 3", "texts": ["Third document content"]}

        """

    @Test func threeLineUploadStoresThree() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let reply = try await api.postNDJSON("/v1/libraries/\(lib)/documents/stream", Self.threeDocuments)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/json")
            #expect(reply["successful"] == .int(3))
            #expect(reply["failed"] == .int(0))
            #expect(reply.batchResults.map { $0["line"] } == [.int(1), .int(2), .int(3)])
            #expect(reply.batchResults.allSatisfy { $0["document_id"]?.string != nil && $0["error"] == nil })
            #expect(try await api.counts(lib)["document_count"] == .int(3))
        }
    }

    @Test func aThousandLinesWithTwoBrokenStoreTheOther998() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let body = (1...1000).map { line -> String in
                switch line {
                case 137: #"{"title": "broken", "text": "no closing brace""#
                case 842: #"{"title": "short vector", "chunks": [{"text": "v", "embedding": [0.1, 0.2, 0.3]}]}"#
                default: #"{"id": "doc-\#(line)", "title": "Document \#(line)", "text": "line \#(line) of the upload, about topic \#(line % 7)"}"#
                }
            }.joined(separator: "\n")
            #expect(body.utf8.count > 2 * 32 * 1024, "the router test client sends 32 KiB chunks; lines must span them")
            let reply = try await api.postNDJSON("/v1/libraries/\(lib)/documents/stream", body)
            #expect(reply.status == .ok)
            #expect(reply["successful"] == .int(998))
            #expect(reply["failed"] == .int(2))
            let results = reply.batchResults
            #expect(results.map { $0["line"] } == (1...1000).map { .int(Int64($0)) })
            let failures = results.filter { $0["error"] != nil }
            #expect(failures.map { $0["line"] } == [.int(137), .int(842)])
            #expect(failures.map { $0["error"]?.object?["code"] } == [.string("invalid_json"), .string("dimension_mismatch")])
            #expect(failures.allSatisfy { $0["error"]?.object?["message"]?.string?.isEmpty == false })
            #expect(results[0]["document_id"] == .string("doc-1"))
            #expect(results[999]["document_id"] == .string("doc-1000"))
            #expect(try await api.counts(lib)["document_count"] == .int(998))
            let stored = try await api.call(.get, "/v1/libraries/\(lib)/documents/doc-500")
            #expect(stored["chunks"]?.array?.first?.object?["text"] == .string("line 500 of the upload, about topic 3"))
        }
    }

    @Test func longLinesSpanningChunksWithCRLFBlankLinesDuplicatesAndNoFinalNewline() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let texts = (0..<12).map { index in String(repeating: "word\(index) ", count: 700) }
            var lines = texts.enumerated().map { index, text in #"{"id": "long-\#(index)", "text": "\#(text)"}"# }
            lines.insert("", at: 3)
            lines.insert("   ", at: 7)
            lines.append(#"{"id": "long-2", "text": "a duplicate id"}"#)
            let body = lines.joined(separator: "\r\n")
            let reply = try await api.postNDJSON("/v1/libraries/\(lib)/documents/stream", body)
            #expect(reply["successful"] == .int(12))
            #expect(reply["failed"] == .int(1))
            let expectedLines = [1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]
            #expect(reply.batchResults.map { $0["line"] } == expectedLines.map { .int(Int64($0)) })
            let last = try #require(reply.batchResults.last)
            #expect(last["error"]?.object?["code"] == .string("duplicate_document"))
            #expect(last["document_id"] == .string("long-2"))
            for (index, text) in texts.enumerated() {
                let stored = try await api.call(.get, "/v1/libraries/\(lib)/documents/long-\(index)")
                #expect(stored["chunks"]?.array?.first?.object?["text"] == .string(text), "document long-\(index)")
            }
        }
    }

    @Test func acceptingNDJSONStreamsOneLinePerDocumentThenTheSummary() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let body = (1...130).map { line in
                line == 65 ? #"{"title": "no text"}"# : #"{"id": "n\#(line)", "text": "streamed document \#(line)"}"#
            }.joined(separator: "\n") + "\n"
            let reply = try await api.postAcceptingNDJSON("/v1/libraries/\(lib)/documents/stream", body)
            #expect(reply.status == .ok)
            #expect(reply.contentType == "application/x-ndjson")
            #expect(reply.lines.count == 131)
            let results = reply.lines.dropLast().compactMap(\.object)
            #expect(results.map { $0["line"] } == (1...130).map { .int(Int64($0)) })
            #expect(results[0] == ["line": .int(1), "document_id": .string("n1")])
            #expect(results[64]["error"]?.object?["code"] == .string("validation_error"))
            #expect(results[64]["document_id"] == nil)
            #expect(reply.lines.last == .object(["summary": .object(["successful": .int(129), "failed": .int(1)])]))
            #expect(try await api.counts(lib)["document_count"] == .int(129))
        }
    }

    @Test func emptyBodyAnswersZeroAndZero() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let json = try await api.postNDJSON("/v1/libraries/\(lib)/documents/stream", "")
            #expect(json.status == .ok)
            #expect(json.json == .object(["successful": .int(0), "failed": .int(0), "results": .array([])]))
            let blank = try await api.postNDJSON("/v1/libraries/\(lib)/documents/stream", "\n\r\n  \n")
            #expect(blank.json == json.json)
            let streamed = try await api.postAcceptingNDJSON("/v1/libraries/\(lib)/documents/stream", "")
            #expect(streamed.lines == [.object(["summary": .object(["successful": .int(0), "failed": .int(0)])])])
            #expect(try await api.counts(lib)["document_count"] == .int(0))
        }
    }

    @Test func aLineOverTheLineLimitFailsAloneAndTheBodyHasNoOverallLimit() async throws {
        try await withAPI(testConfiguration { $0.maxRequestBodyBytes = 2048 }) { api in
            let lib = try await api.createLibrary()
            let huge = #"{"id": "huge", "text": "\#(String(repeating: "x", count: 5000))"}"#
            let lines = [#"{"id": "before", "text": "fine"}"#, huge] + (0..<40).map { #"{"id": "after-\#($0)", "text": "\#(String(repeating: "y", count: 200))"}"# }
            let body = lines.joined(separator: "\n")
            #expect(body.utf8.count > 4 * 2048)
            let reply = try await api.postNDJSON("/v1/libraries/\(lib)/documents/stream", body)
            #expect(reply.status == .ok)
            #expect(reply["successful"] == .int(41))
            #expect(reply["failed"] == .int(1))
            let error = try #require(reply.batchResults[1]["error"]?.object)
            #expect(reply.batchResults[1]["line"] == .int(2))
            #expect(error["code"] == .string("line_too_large"))
            #expect(error["details"]?.object?["limit"] == .int(2048))
            #expect(error["details"]?.object?["bytes"] == .int(Int64(huge.utf8.count)))
            #expect(try await api.counts(lib)["document_count"] == .int(41))
            try await api.call(.post, "/v1/libraries/\(lib)/documents", huge).expectError(.contentTooLarge, "payload_too_large")
        }
    }

    @Test func unknownLibraryIsTheErrorEnvelope() async throws {
        try await withAPI { api in
            try await api.postNDJSON("/v1/libraries/nope/documents/stream", Self.threeDocuments).expectError(.notFound, "library_not_found")
            let streamed = try await api.postAcceptingNDJSON("/v1/libraries/nope/documents/stream", Self.threeDocuments)
            #expect(streamed.status == .notFound)
            #expect(streamed.lines.first?.object?["error"]?.object?["code"] == .string("library_not_found"))
        }
    }

    @Test func batchAndStreamShareTheAnswerShape() async throws {
        try await withAPI { api in
            let lib = try await api.createLibrary()
            let batch = try await api.call(
                .post, "/v1/libraries/\(lib)/documents/batch", #"{"documents": [{"id": "b1", "text": "x"}, {"title": "no text"}]}"#)
            let stream = try await api.postNDJSON(
                "/v1/libraries/\(lib)/documents/stream", #"{"id": "s1", "text": "x"}"# + "\n" + #"{"title": "no text"}"#)
            // The batch route adds the original arrwDB's totals, which an upload does not answer.
            let originalTotals: Set = ["total_requested", "total_chunks_added", "processing_time_ms"]
            #expect(batch.json?.object?.keys.filter { !originalTotals.contains($0) }.sorted() == stream.json?.object?.keys.sorted())
            #expect(batch.batchResults.map { $0.keys.sorted() } == stream.batchResults.map { $0.keys.sorted() })
            #expect(batch.batchResults[1]["error"] == stream.batchResults[1]["error"])
        }
    }
}
