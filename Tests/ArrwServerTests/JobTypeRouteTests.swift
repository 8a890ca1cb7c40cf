import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every job type through the API: imports (inline and NDJSON), deletes by filter, exports that
/// download and re-import as the same documents, index rebuilds from PATCH and from the
/// original arrwDB's routes, and the answers of its per-library index routes.
@Suite struct JobTypeRouteTests {
    func submit(_ api: API, _ type: String, _ body: String, status: HTTPResponse.Status = .accepted) async throws -> String {
        let reply = try await api.call(.post, "/v1/jobs/\(type)", body)
        #expect(reply.status == status, "\(type): \(String(describing: reply.json))")
        return try #require(reply["job_id"]?.string)
    }

    func finished(_ api: API, _ id: String) async throws -> Reply {
        for _ in 0..<3000 {
            let reply = try await api.call(.get, "/v1/jobs/\(id)")
            if ["completed", "failed", "cancelled"].contains(reply["status"]?.string ?? "") { return reply }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("job \(id) did not finish")
        return try await api.call(.get, "/v1/jobs/\(id)")
    }

    /// The body of a GET as text (an export is NDJSON, not one JSON value).
    func download(_ api: API, _ uri: String) async throws -> (HTTPResponse.Status, String, String?) {
        try await api.client.execute(uri: uri, method: .get) { response in
            (response.status, String(buffer: response.body), response.headers[.contentType])
        }
    }

    /// Every document of a library with its embeddings, by id, without the timestamps.
    func contents(_ api: API, _ library: String) async throws -> [String: JSONValue] {
        var documents: [String: JSONValue] = [:]
        var cursor: String?
        repeat {
            let page = try await api.call(
                .get, "/v1/libraries/\(library)/documents?limit=100&include_embeddings=true" + (cursor.map { "&cursor=\($0)" } ?? ""))
            for document in page["documents"]?.array ?? [] {
                var object = try #require(document.object)
                for field in ["created_at", "updated_at", "library_id"] { object[field] = nil }
                documents[try #require(object["id"]?.string)] = .object(object)
            }
            cursor = page["next_cursor"]?.string
        } while cursor != nil
        return documents
    }

    func vectorDocument(_ index: Int) -> String {
        var vector: [Double] = []
        for component in 0..<8 {
            let base = Double((component * 7 + index * 13) % 17) / 3.0 - 2.5
            vector.append(base + Double(index) / 1000)
        }
        let first = "{\"text\": \"chunk \(index)\", \"metadata\": {\"part\": 1}, \"embedding\": \(vector)}"
        let second = "{\"text\": \"second \(index)\", \"metadata\": {\"part\": 2, \"x\": 0.1}, \"embedding\": \(Array(vector.reversed()))}"
        let metadata = "{\"n\": \(index), \"even\": \(index % 2 == 0), \"tags\": [\"a\", \"b\"]}"
        return "{\"id\": \"v\(index)\", \"title\": \"doc \(index)\", \"metadata\": \(metadata), \"chunks\": [\(first), \(second)]}"
    }

    @Test("import inline with per-document errors, import NDJSON, delete by filter")
    func importAndDelete() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            let documents = (0..<120).map { #"{"text": "document \#($0)", "metadata": {"n": \#($0), "even": \#($0 % 2 == 0)}}"# }
                + [#"{"title": "no text"}"#, #"{"text": "named", "id": "named"}"#, #"{"text": "twice", "id": "named"}"#]
            let id = try await submit(api, "batch_import", #"{"library_id": "\#(library)", "documents": [\#(documents.joined(separator: ","))]}"#)
            let job = try await finished(api, id)
            #expect(job["status"] == .string("completed"))
            let result = try #require(job["result"]?.object)
            #expect(result["total"] == .int(123) && result["imported"] == .int(121) && result["failed"] == .int(2))
            let errors = try #require(result["errors"]?.array)
            #expect(errors.map { $0.object?["index"] } == [.int(120), .int(122)])
            #expect(errors.last?.object?["document_id"] == .string("named"))
            #expect(try await api.counts(library)["document_count"] == .int(121))
            #expect(job["progress_detail"]?.object?["current"] == .int(123))

            let lines = (0..<30).map { #"{"text": "line \#($0)", "metadata": {"even": \#($0 % 2 == 0)}}"# }.joined(separator: "\n")
            let ndjson = try await api.call(
                .post, "/v1/jobs/batch_import?library_id=\(library)", lines + "\n\n", headers: [.contentType: "application/x-ndjson"])
            #expect(ndjson.status == .accepted)
            #expect(try await finished(api, try #require(ndjson["job_id"]?.string))["result"]?.object?["imported"] == .int(30))
            try await api.call(
                .post, "/v1/jobs/batch_import?library_id=\(library)", "{\"text\": \"ok\"}\n{broken\n",
                headers: [.contentType: "application/x-ndjson"]
            ).expectError(.badRequest, "invalid_json")
            try await api.call(.post, "/v1/jobs/batch_delete?library_id=\(library)", "{}\n", headers: [.contentType: "application/x-ndjson"])
                .expectError(.badRequest, "validation_error")

            let delete = try await submit(api, "batch_delete", #"{"library_id": "\#(library)", "filter": {"even": true}}"#)
            #expect(try await finished(api, delete)["result"] == .object(["deleted": .int(75)]))
            #expect(try await api.counts(library)["document_count"] == .int(76))
            try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": "\#(library)", "filter": {"even": {"$near": 1}}}"#)
                .expectError(.badRequest, "unknown_filter_operator")
        }
    }

    /// l2 and dot: a cosine library stores its vectors normalized, and normalizing a stored
    /// vector again may move its last bit (see the README's "Background jobs").
    @Test("an export downloads as NDJSON and re-imports (job or stream) as the same documents, chunks, metadata and vectors", arguments: ["l2", "dot"])
    func exportImportsAsTheSame(metric: String) async throws {
        try await withAPI { api in
            let source = try await api.createLibrary("source", extra: #", "metric": "\#(metric)""#)
            for index in 0..<130 { try await api.addDocument(source, vectorDocument(index)) }
            let export = try await submit(api, "batch_export", #"{"library_id": "\#(source)"}"#)
            let job = try await finished(api, export)
            #expect(job["status"] == .string("completed"))
            #expect(job["result"]?.object?["documents"] == .int(130))
            #expect(job["result"]?.object?["download"] == .string("/v1/jobs/\(export)/result"))
            let (status, file, type) = try await download(api, "/v1/jobs/\(export)/result")
            #expect(status == .ok && type == "application/x-ndjson")
            #expect(file.split(separator: "\n").count == 130)
            let original = try await contents(api, source)

            let byJob = try await api.createLibrary("by-job", extra: #", "metric": "\#(metric)""#)
            let imported = try await api.call(
                .post, "/v1/jobs/batch_import?library_id=\(byJob)", file, headers: [.contentType: "application/x-ndjson"])
            #expect(try await finished(api, try #require(imported["job_id"]?.string))["result"]?.object?["imported"] == .int(130))
            #expect(try await contents(api, byJob) == original)

            let byStream = try await api.createLibrary("by-stream", extra: #", "metric": "\#(metric)""#)
            let streamed = try await api.call(
                .post, "/v1/libraries/\(byStream)/documents/stream", file, headers: [.contentType: "application/x-ndjson"])
            #expect(streamed["successful"] == .int(130))
            #expect(try await contents(api, byStream) == original)

            let plain = try await submit(api, "batch_export", #"{"library_id": "\#(source)", "include_embeddings": false}"#)
            _ = try await finished(api, plain)
            let (_, withoutVectors, _) = try await download(api, "/v1/jobs/\(plain)/result")
            #expect(!withoutVectors.contains("embedding") && withoutVectors.split(separator: "\n").count == 130)

            let delete = try await submit(api, "batch_delete", #"{"library_id": "\#(source)", "document_ids": ["v1"]}"#)
            _ = try await finished(api, delete)
            try await api.call(.get, "/v1/jobs/\(delete)/result").expectError(.conflict, "job_result_unavailable")
            try await api.call(.get, "/v1/jobs/\(UUID().uuidString)/result").expectError(.notFound, "job_not_found")
        }
    }

    @Test("PATCH answers 202 with the index_rebuild job that builds the new index")
    func patchRunsARebuildJob() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            for index in 0..<40 { try await api.addDocument(library, vectorDocument(index)) }
            let patched = try await api.call(.patch, "/v1/libraries/\(library)", #"{"index_type": "hnsw", "index_params": {"m": 8}}"#)
            #expect(patched.status == .accepted && patched["build_state"] == .string("building"))
            let job = try await finished(api, try #require(patched["job_id"]?.string))
            #expect(job["type"] == .string("index_rebuild") && job["status"] == .string("completed"))
            let result = try #require(job["result"]?.object)
            #expect(result["old_index_type"] == .string("brute_force") && result["new_index_type"] == .string("hnsw"))
            #expect(result["total_vectors_reindexed"] == .int(80))
            let stats = try await api.counts(library)
            #expect(stats["index_type"] == .string("hnsw") && stats["build_state"] == .string("ready"))
        }
    }

    @Test("the original arrwDB's job and index routes answer with its fields")
    func originalRoutes() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            for type in ["batch-import", "index-rebuild", "index-optimize", "batch-export", "batch-delete"] {
                let body = switch type {
                case "batch-import": #"{"library_id": "\#(library)", "documents": [\#((0..<30).map { vectorDocument($0) }.joined(separator: ","))]}"#
                case "batch-delete": #"{"library_id": "\#(library)", "document_ids": ["v0"]}"#
                default: #"{"library_id": "\#(library)"}"#
                }
                let reply = try await api.call(.post, "/v1/jobs/\(type)", body)
                #expect(reply.status == .ok && reply["message"]?.string?.isEmpty == false, "\(type)")
                let job = try await finished(api, try #require(reply["job_id"]?.string))
                #expect(job["status"] == .string("completed"), "\(type): \(String(describing: job.json))")
            }

            let rebuilt = try await api.call(
                .post, "/v1/libraries/\(library)/index/rebuild", #"{"index_type": "hnsw", "index_config": {"M": 8, "ef_construction": 50}}"#)
            #expect(rebuilt.status == .ok, "\(String(describing: rebuilt.json))")
            #expect(rebuilt["old_index_type"] == .string("brute_force") && rebuilt["new_index_type"] == .string("hnsw"))
            #expect(rebuilt["total_vectors_reindexed"] == .int(58) && rebuilt["rebuild_time_ms"]?.number != nil)
            #expect(rebuilt["library_id"] == .string(library))
            #expect(try await api.counts(library)["index_params"]?.object?["m"] == .int(8))
            let again = try await api.call(.post, "/v1/libraries/\(library)/index/rebuild")
            #expect(again.status == .ok && again["new_index_type"] == .string("hnsw"), "no body rebuilds the current index")

            for index in 0..<10 { _ = try await api.call(.delete, "/v1/libraries/\(library)/documents/v\(index + 1)") }
            let optimized = try await api.call(.post, "/v1/libraries/\(library)/index/optimize")
            #expect(optimized.status == .ok)
            #expect(optimized["vectors_compacted"] == .int(20), "the HNSW graph dropped the tombstones of the 10 deleted documents' chunks")
            for field in ["memory_freed_bytes", "optimization_time_ms"] { #expect(optimized[field]?.number != nil, "\(field)") }

            let statistics = try await api.call(.get, "/v1/libraries/\(library)/index/statistics")
            #expect(statistics["index_type"] == .string("hnsw") && statistics["total_vectors"] == .int(38))
            #expect(statistics["index_stats"]?.object != nil && statistics["vector_store_stats"]?.object != nil)

            try await api.call(.post, "/v1/libraries/\(library)/index/rebuild", #"{"index_type": "quantum"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/libraries/\(UUID().uuidString)/index/optimize").expectError(.notFound, "library_not_found")
            try await api.call(.get, "/v1/libraries/\(UUID().uuidString)/index/statistics").expectError(.notFound, "library_not_found")
        }
    }

    @Test("a full queue answers 429 with Retry-After")
    func fullQueue() async throws {
        try await withAPI(testConfiguration { $0.maxPendingJobs = 1 }) { api in
            let library = try await api.createLibrary()
            let documents = (0..<20_000).map { #"{"text": "document \#($0)"}"# }.joined(separator: ",")
            let first = try await submit(api, "batch_import", #"{"library_id": "\#(library)", "documents": [\#(documents)]}"#)
            let second = try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": "\#(library)", "document_ids": ["a"]}"#)
            second.expectError(.tooManyRequests, "job_queue_full")
            #expect(second.headers[.retryAfter] != nil)
            _ = try await api.call(.delete, "/v1/jobs/\(first)")
        }
    }
}
