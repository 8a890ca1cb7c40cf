import ArrwEngine
import Hummingbird
import Testing

@Suite struct LibraryRouteTests {
    @Test func createListGetPatchDelete() async throws {
        try await withAPI { api in
            let created = try await api.call(
                .post, "/v1/libraries",
                #"{"name": "papers", "description": "d", "metric": "l2", "metadata": {"team": "a"}, "dimension": 3}"#)
            #expect(created.status == .created)
            #expect(created["name"] == .string("papers"))
            #expect(created["metric"] == .string("l2"))
            #expect(created["index_type"] == .string("brute_force"))
            #expect(created["dimension"] == .int(3))
            #expect(created["document_count"] == .int(0))
            let id = try #require(created["id"]?.string)

            let list = try await api.call(.get, "/v1/libraries")
            #expect(list.status == .ok)
            #expect(list["libraries"]?.array?.compactMap { $0.object?["id"]?.string } == [id])

            let fetched = try await api.call(.get, "/v1/libraries/\(id)")
            #expect(fetched.status == .ok)
            #expect(fetched["metadata"] == .object(["team": .string("a")]))

            let patched = try await api.call(.patch, "/v1/libraries/\(id)", #"{"description": "new", "metadata": {"team": "b"}}"#)
            #expect(patched.status == .ok)
            #expect(patched["description"] == .string("new"))
            #expect(patched["metadata"] == .object(["team": .string("b")]))
            #expect(patched["metric"] == .string("l2"))

            let stats = try await api.call(.get, "/v1/libraries/\(id)/statistics")
            #expect(stats.status == .ok)
            for key in ["document_count", "chunk_count", "dimension", "metric", "index_type", "index_params", "index_memory_bytes", "pending_index_vectors", "index_build_rate", "build_state"] {
                #expect(stats[key] != nil, "statistics lacks \(key)")
            }
            #expect(stats["build_state"] == .string("ready"))

            let deleted = try await api.call(.delete, "/v1/libraries/\(id)")
            #expect(deleted.status == .noContent)
            try await api.call(.delete, "/v1/libraries/\(id)").expectError(.notFound, "library_not_found")
            try await api.call(.get, "/v1/libraries/\(id)").expectError(.notFound, "library_not_found")
            #expect(try await api.call(.get, "/v1/libraries")["libraries"] == .array([]))
        }
    }

    @Test("statistics show the fresh tail until the background builder has indexed it, and the builder's rate")
    func statisticsShowTheTail() async throws {
        try await withAPI { api in
            let created = try await api.call(.post, "/v1/libraries", #"{"name": "tail", "index_type": "hnsw", "dimension": 4}"#)
            let id = try #require(created["id"]?.string)
            let documents = (0..<800).map { number in
                #"{"id": "d\#(number)", "chunks": [{"text": "", "embedding": [\#(number % 7 + 1), \#(number % 11), \#(number % 13), 1]}]}"#
            }
            let batch = try await api.call(.post, "/v1/libraries/\(id)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)
            #expect(batch["successful"] == .int(800))
            var stats = try await api.call(.get, "/v1/libraries/\(id)/statistics")
            let pending = try #require(stats["pending_index_vectors"]?.number)
            #expect((0...800).contains(pending) && stats["chunk_count"] == .int(800))
            for _ in 0..<3000 where stats["pending_index_vectors"] != .int(0) {
                try await Task.sleep(for: .milliseconds(10))
                stats = try await api.call(.get, "/v1/libraries/\(id)/statistics")
            }
            #expect(stats["pending_index_vectors"] == .int(0), "the builder indexed the tail")
            #expect((stats["index_build_rate"]?.number ?? 0) > 0, "the builder's work of the last 10 s shows as a rate")
            let hit = try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query_vector": [6, 5, 5, 1], "k": 1}"#)
            #expect(hit["results"]?.array?.first?.object?["document_id"] == .string("d5"))
        }
    }

    @Test func unknownLibrariesAre404OnEveryRoute() async throws {
        try await withAPI { api in
            let missing = "7d0c0a51-7c8e-4d0c-9f3b-2b1b0c0f0e0a"
            for (method, path, body) in [
                (HTTPRequest.Method.get, "", nil), (.patch, "", "{}"), (.delete, "", nil), (.get, "/statistics", nil),
                (.post, "/documents", #"{"text": "a"}"#), (.get, "/documents", nil), (.get, "/documents/x", nil),
                (.put, "/documents/x", #"{"text": "a"}"#), (.delete, "/documents/x", nil),
                (.post, "/documents/batch", #"{"documents": []}"#), (.delete, "/documents/batch", #"{"document_ids": ["x"]}"#),
                (.post, "/search", #"{"query": "a"}"#), (.post, "/search/metadata", #"{"query": "a", "filter": {}}"#),
            ] as [(HTTPRequest.Method, String, String?)] {
                try await api.call(method, "/v1/libraries/\(missing)\(path)", body).expectError(.notFound, "library_not_found")
            }
            try await api.call(.get, "/v1/libraries/not-a-uuid").expectError(.notFound, "library_not_found")
        }
    }

    @Test("a bad index type or parameter is a 400 naming it, and creates or changes nothing")
    func indexTypesAndParametersAreValidated() async throws {
        try await withAPI { api in
            let hnsw = try await api.call(.post, "/v1/libraries", #"{"name": "h", "index_type": "hnsw", "index_params": {"m": 8}}"#)
            #expect(hnsw.status == .created)
            #expect(hnsw["index_params"] == .object(["m": .int(8), "ef_construction": .int(200), "ef_search": .int(64)]))
            try await api.call(.post, "/v1/libraries", #"{"name": "x", "index_type": "annoy"}"#)
                .expectError(.badRequest, "validation_error", field: "index_type")
            for m in ["0", "1", "129", "2.5", #""8""#] {
                let refused = try await api.call(.post, "/v1/libraries", #"{"name": "x", "index_type": "hnsw", "index_params": {"m": \#(m)}}"#)
                refused.expectError(.badRequest, "validation_error", field: "index_params.m")
                #expect(refused.errorMessage?.contains("2...128") == true, "m: \(m) \(String(describing: refused.json))")
            }
            try await api.call(.post, "/v1/libraries", #"{"name": "x", "index_params": {"m": 8}}"#)
                .expectError(.badRequest, "validation_error", field: "index_params.m")
            #expect(try await api.call(.get, "/v1/libraries")["libraries"]?.array?.count == 1, "no refused library was created")

            let id = try await api.createLibrary()
            try await api.call(.patch, "/v1/libraries/\(id)", #"{"index_params": {"nlist": 8}}"#)
                .expectError(.badRequest, "validation_error", field: "index_params.nlist")
            #expect(try await api.call(.get, "/v1/libraries/\(id)")["index_type"] == .string("brute_force"))
            let empty = try await api.call(.patch, "/v1/libraries/\(id)", #"{"index_type": "ivf", "index_params": {"nlist": 8, "nprobe": 2}}"#)
            #expect(empty.status == .ok, "an empty library switches at once")
            #expect(empty["index_type"] == .string("ivf"))
            try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query": "a", "nprobe": 0}"#)
                .expectError(.badRequest, "validation_error", field: "nprobe")
        }
    }

    @Test func patchingTheIndexRebuildsInTheBackground() async throws {
        try await withAPI { api in
            let id = try await api.createLibrary()
            for index in 0..<50 { try await api.addDocument(id, #"{"id": "d\#(index)", "text": "document number \#(index)"}"#) }
            let patched = try await api.call(.patch, "/v1/libraries/\(id)", #"{"index_type": "hnsw", "index_params": {"m": 8}}"#)
            #expect(patched.status == .accepted)
            #expect(patched["build_state"] == .string("building"))
            #expect(patched["job_id"]?.string != nil, "the index_rebuild job that builds it")
            var stats = try await api.counts(id)
            for _ in 0..<200 where stats["build_state"] != .string("ready") {
                try await Task.sleep(for: .milliseconds(10))
                stats = try await api.counts(id)
            }
            #expect(stats["build_state"] == .string("ready"))
            #expect(stats["build_target"] == .null)
            #expect(stats["index_type"] == .string("hnsw"))
            #expect(stats["chunk_count"] == .int(50))
            let search = try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query": "document number 7", "k": 3, "ef_search": 100}"#)
            #expect(search["results"]?.array?.count == 3)

            // ef_search alone steers searches only: 200 at once, nothing rebuilt.
            let tuned = try await api.call(.patch, "/v1/libraries/\(id)", #"{"index_params": {"m": 8, "ef_search": 12}}"#)
            #expect(tuned.status == .ok)
            #expect(tuned["index_params"]?.object?["ef_search"] == .int(12))
            #expect(try await api.counts(id)["build_state"] == .string("ready"))
        }
    }

    @Test func healthReadinessAndDetailedHealth() async throws {
        try await withAPI { api in
            let health = try await api.call(.get, "/health")
            #expect(health.status == .ok)
            #expect(health["status"] == .string("healthy"))
            #expect(try await api.call(.get, "/readiness")["ready"] == .bool(true))
            _ = try await api.createLibrary()
            let detailed = try await api.call(.get, "/health/detailed")
            let components = try #require(detailed["components"]?.object)
            #expect(Set(components.keys) == ["engine", "embedding", "data_directory", "storage"])
            #expect(components["engine"]?.object?["libraries"] == .int(1))
            #expect(components["embedding"]?.object?["dimension"] == .int(64))
            #expect(components.values.allSatisfy { $0.object?["status"] == .string("healthy") })
        }
    }

    @Test func unknownRoutesAnswerTheEnvelope() async throws {
        try await withAPI { api in
            try await api.call(.get, "/v2/nothing").expectError(.notFound, "not_found")
        }
    }
}
