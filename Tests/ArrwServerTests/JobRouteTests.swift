import ArrwEngine
import ArrwServer
import Foundation
import Hummingbird
import Testing

/// `/v1/jobs`: submit (202), read, list with filters and a cursor, cancel (409 once finished),
/// and clear 4xx/501 answers for everything else.
@Suite struct JobRouteTests {
    func waitUntilFinished(_ api: API, _ id: String) async throws -> Reply {
        for _ in 0..<1000 {
            let reply = try await api.call(.get, "/v1/jobs/\(id)")
            if ["completed", "failed", "cancelled"].contains(reply["status"]?.string ?? "") { return reply }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("job \(id) did not finish")
        return try await api.call(.get, "/v1/jobs/\(id)")
    }

    @Test func submitReadListAndCancel() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            for index in 0..<20 { try await api.addDocument(library, #"{"id": "d\#(index)", "text": "document \#(index)"}"#) }
            let submitted = try await api.call(
                .post, "/v1/jobs/batch_delete", #"{"library_id": "\#(library)", "document_ids": ["d1", "d2", "d3", "gone"]}"#)
            #expect(submitted.status == .accepted)
            #expect(submitted["status"] == .string("pending"))
            let id = try #require(submitted["job_id"]?.string)

            let job = try await waitUntilFinished(api, id)
            #expect(job["status"] == .string("completed"))
            #expect(job["type"] == .string("batch_delete") && job["job_type"] == .string("batch_delete"))
            #expect(job["library_id"] == .string(library) && job["progress"] == .int(100) && job["error"] == .null)
            #expect(job["result"] == .object(["total_requested": .int(4), "deleted": .int(3), "already_absent": .int(1)]))
            #expect(job["progress_detail"]?.object?["total"] == .int(4))
            for field in ["attempts", "max_retries", "created_at", "started_at", "completed_at"] {
                #expect(job[field] != nil && job[field] != .null, "\(field)")
            }
            #expect(try await api.counts(library)["document_count"] == .int(17))
            try await api.call(.delete, "/v1/jobs/\(id)").expectError(.conflict, "job_finished")

            for ids in [#"["d4"]"#, #"["d5"]"#] {
                let reply = try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": "\#(library)", "document_ids": \#(ids)}"#)
                _ = try await waitUntilFinished(api, try #require(reply["job_id"]?.string))
            }
            let first = try await api.call(.get, "/v1/jobs?type=batch_delete&status=completed&library_id=\(library)&limit=2")
            #expect(first["total"] == .int(3) && first["jobs"]?.array?.count == 2)
            let cursor = try #require(first["next_cursor"]?.string)
            let second = try await api.call(.get, "/v1/jobs?type=batch_delete&limit=2&cursor=\(cursor)")
            #expect(second["jobs"]?.array?.map { $0.object?["job_id"] } == [.string(id)], "newest first; the first job comes last")
            #expect(second["next_cursor"] == .null)
            #expect(try await api.call(.get, "/v1/jobs?status=failed")["total"] == .int(0))
        }
    }

    @Test func originalRoutes() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            try await api.addDocument(library, #"{"id": "a", "text": "alpha"}"#)
            let submitted = try await api.call(.post, "/v1/jobs/batch-delete", #"{"library_id": "\#(library)", "document_ids": ["a"]}"#)
            #expect(submitted.status == .ok)
            #expect(submitted["status"] == .string("pending") && submitted["message"]?.string?.isEmpty == false)
            let job = try await waitUntilFinished(api, try #require(submitted["job_id"]?.string))
            #expect(job["status"] == .string("completed"))
            let stats = try await api.call(.get, "/v1/jobs/stats/queue")
            #expect(stats.status == .ok)
            #expect(stats["total_jobs"] == .int(1) && stats["completed_jobs"] == .int(1) && stats["failed_jobs"] == .int(0))
            #expect(stats["pending_jobs"] == .int(0) && stats["running_jobs"] == .int(0) && stats["queue_size"] == .int(0))
            #expect(stats["num_workers"] == .int(4) && stats["running"] == .bool(true))
            let regenerate = try await api.call(.post, "/v1/jobs/regenerate-embeddings", #"{"library_id": "\#(library)"}"#)
            #expect(regenerate.status == .ok)
            #expect(try await waitUntilFinished(api, try #require(regenerate["job_id"]?.string))["status"] == .string("completed"))
        }
    }

    @Test func refusals() async throws {
        try await withAPI { api in
            let library = try await api.createLibrary()
            try await api.call(.post, "/v1/jobs/defragment", #"{"library_id": "\#(library)"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": "\#(library)"}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/jobs/batch_delete", #"{"document_ids": ["a"]}"#).expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": 7, "document_ids": ["a"]}"#)
                .expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/jobs/batch_delete", #"{"library_id": "\#(UUID().uuidString)", "document_ids": ["a"]}"#)
                .expectError(.notFound, "library_not_found")
            try await api.call(.post, "/v1/jobs/batch_delete", "[1]").expectError(.badRequest, "validation_error")
            try await api.call(.post, "/v1/jobs/batch_delete", "{").expectError(.badRequest, "invalid_json")
            try await api.call(.get, "/v1/jobs/\(UUID().uuidString)").expectError(.notFound, "job_not_found")
            try await api.call(.delete, "/v1/jobs/nonsense").expectError(.notFound, "job_not_found")
            try await api.call(.get, "/v1/jobs?limit=0").expectError(.badRequest, "validation_error")
            try await api.call(.get, "/v1/jobs?status=done").expectError(.badRequest, "validation_error")
            try await api.call(.get, "/v1/jobs?type=nap").expectError(.badRequest, "validation_error")
            try await api.call(.get, "/v1/jobs?cursor=\(UUID().uuidString)").expectError(.badRequest, "validation_error")
            #expect(try await api.call(.get, "/v1/jobs")["total"] == .int(0), "nothing refused was queued")
        }
    }
}
