import ArrwEngine
import ArrwServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

/// Libraries bound to named embedding providers (`EMBEDDING_PROVIDERS`, `embedding_model`), the
/// 409 when texts would be embedded by another model, and a library moved from the local model
/// to a loopback OpenAI-compatible one by `regenerate_embeddings` while clients search it.
@Suite struct EmbeddingModelTests {
    /// Waits for a job to finish and returns it.
    static func finished(_ api: API, _ job: String, seconds: Int = 120) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var reply = try await api.call(.get, "/v1/jobs/\(job)")
        while !["completed", "failed", "cancelled"].contains(reply["status"]?.string ?? ""), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            reply = try await api.call(.get, "/v1/jobs/\(job)")
        }
        return try #require(reply.json)
    }

    @Test("providers by name: a library chooses one with embedding_model and records it; an unknown one is a 400; another model in a request is a 409 naming both")
    func namedProviders() async throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "EMBEDDING_PROVIDER": "hash", "EMBEDDING_DIMENSION": "16", "DATA_DIR": ":memory:",
            "EMBEDDING_PROVIDERS": #"{"small": {"type": "hash", "dimension": 8}}"#,
        ])
        try await withAPI(configuration) { api in
            let standard = try await api.call(.post, "/v1/libraries", #"{"name": "standard"}"#)
            #expect(standard["embedding_provider"] == .string("hash") && standard["embedding_model"] == .string("hash-16"))
            let small = try await api.call(.post, "/v1/libraries", #"{"name": "small", "embedding_model": "small"}"#)
            #expect(small.status == .created && small["embedding_provider"] == .string("small") && small["embedding_model"] == .string("hash-8"))
            let byModel = try await api.call(.post, "/v1/libraries", #"{"name": "by-model", "embedding_model": "hash-8"}"#)
            #expect(byModel["embedding_provider"] == .string("small"))
            let unknown = try await api.call(.post, "/v1/libraries", #"{"name": "cohere", "embedding_model": "embed-english-v3.0"}"#)
            #expect(unknown.status == .badRequest && unknown["error"]?.object?["code"] == .string("validation_error"))
            #expect(unknown["error"]?.object?["message"]?.string?.contains("'small' (hash-8)") == true, "the message lists what is configured")

            let id = try #require(small["id"]?.string)
            try await api.addDocument(id, #"{"id": "a", "text": "eight dimensions"}"#)
            #expect(try await api.counts(id)["dimension"] == .int(8))
            let mismatch = try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query": "q", "embedding_model": "hash-16"}"#)
            #expect(mismatch.status == .conflict)
            let error = try #require(mismatch["error"]?.object)
            #expect(error["code"] == .string("embedding_model_mismatch"))
            #expect(error["details"]?.object?["library_model"] == .string("hash-8") && error["details"]?.object?["requested_model"] == .string("hash-16"))
            let document = try await api.call(.post, "/v1/libraries/\(id)/documents", #"{"text": "t", "embedding_model": "hash"}"#)
            #expect(document.status == .conflict && document["error"]?.object?["code"] == .string("embedding_model_mismatch"))
            let same = try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query": "q", "embedding_model": "small"}"#)
            #expect(same.status == .ok)
            let job = try await api.call(.post, "/v1/jobs/regenerate_embeddings", #"{"library_id": "\#(id)", "embedding_model": "nowhere"}"#)
            #expect(job.status == .badRequest)
        }
    }

    @Test("a library whose provider is no longer configured, or serves another model, answers text writes and queries 409; vectors still work")
    func providerGoneAfterRestart() async throws {
        let directory = NSTemporaryDirectory() + "arrw-models-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func configuration(_ providers: String) throws -> ServerConfiguration {
            try ServerConfiguration.fromEnvironment([
                "EMBEDDING_PROVIDER": "hash", "EMBEDDING_DIMENSION": "16", "DATA_DIR": directory, "EMBEDDING_PROVIDERS": providers,
            ])
        }
        let library = Mutex("")
        let first = try configuration(#"{"small": {"type": "hash", "dimension": 8}}"#)
        let (database, _) = try ArrwServer.openDatabase(configuration: first, logger: quietLogger)
        try await withAPI(first, database: database) { api in
            let id = try await api.createLibrary("bound", extra: #", "embedding_model": "small""#)
            try await api.addDocument(id, #"{"id": "a", "text": "stored by small"}"#)
            library.withLock { $0 = id }
        }
        try database.close()
        let id = library.withLock { $0 }
        for (providers, phrase) in [("{}", "does not configure"), (#"{"small": {"type": "hash", "dimension": 12}}"#, "now serves 'hash-12'")] {
            let changed = try configuration(providers)
            let (reopened, _) = try ArrwServer.openDatabase(configuration: changed, logger: quietLogger)
            defer { try? reopened.close() }
            try await withAPI(changed, database: reopened) { api in
                let write = try await api.call(.post, "/v1/libraries/\(id)/documents", #"{"text": "more"}"#)
                #expect(write.status == .conflict && write["error"]?.object?["message"]?.string?.contains(phrase) == true, "\(String(describing: write.json))")
                let query = try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query": "stored"}"#)
                #expect(query.status == .conflict && query["error"]?.object?["details"]?.object?["library_provider"] == .string("small"))
                let vector = Array(repeating: "0.5", count: 8).joined(separator: ",")
                let byVector = try await api.call(.post, "/v1/libraries/\(id)/search", #"{"query_vector": [\#(vector)], "k": 1}"#)
                #expect(byVector.status == .ok && byVector["results"]?.array?.count == 1)
                #expect(try await api.call(.get, "/v1/libraries/\(id)")["embedding_provider"] == .string("small"))
            }
        }
    }

    @Test("a library moved from local to a loopback OpenAI-compatible model while 4 clients search it and one writes: no failed search, the new model's vectors after")
    func moveWhileSearching() async throws {
        let dimension = 12
        let embedded = Mutex<[String]>([])
        let stub = ServiceStub(path: "/v1/embeddings") { _, body in
            let texts = ServiceStub.texts(body)
            embedded.withLock { $0 += texts }
            try? await Task.sleep(for: .milliseconds(15))
            return (.ok, [:], ServiceStub.openAI(texts, dimension: dimension))
        }
        try await stub.serve { base in
            var configuration = testConfiguration {
                $0.embeddingProvider = "local"
                $0.embeddingThreads = 1
                $0.namedProviders = ["loop": EmbeddingProviderSettings(kind: .openai, model: "loop-embed", baseURL: base + "/v1")]
            }
            configuration.jobWorkers = 1
            try await withAPI(configuration, setup: .live) { api in
                let library = try await api.createLibrary("moving", extra: #", "index_type": "hnsw""#)
                let documents = (0..<300).map { #"{"id": "d\#($0)", "text": "document number \#($0) about topic \#($0 % 7)"}"# }
                let batch = try await api.call(.post, "/v1/libraries/\(library)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)
                #expect(batch["successful"] == .int(300))
                let before = try await api.call(.get, "/v1/libraries/\(library)")
                #expect(before["embedding_provider"] == .string("local") && before["embedding_model"] == .string("all-MiniLM-L6-v2") && before["dimension"] == .int(384))

                let watch = SearchWatch()
                let job = try #require(try await api.call(
                    .post, "/v1/jobs/regenerate_embeddings", #"{"library_id": "\#(library)", "embedding_model": "loop"}"#)["job_id"]?.string)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in 0..<4 {
                        group.addTask {
                            var round = 0
                            while watch.moving.withLock({ $0 }) || round < 3 {
                                round += 1
                                let reply = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "topic \#((client + round) % 7)", "k": 5}"#)
                                if reply.status != .ok || reply["results"]?.array?.count != 5 {
                                    watch.failures.withLock { $0.append("\(reply.status): \(String(describing: reply.json))") }
                                }
                                watch.searches.withLock { $0 += 1 }
                            }
                        }
                    }
                    group.addTask {
                        for index in 0..<20 where watch.moving.withLock({ $0 }) {
                            try await api.addDocument(library, #"{"id": "late\#(index)", "text": "late document \#(index)"}"#)
                            try await Task.sleep(for: .milliseconds(40))
                        }
                    }
                    let result = try await Self.finished(api, job)
                    watch.moving.withLock { $0 = false }
                    #expect(watch.searches.withLock { $0 } >= 8, "the clients searched while the library moved")
                    try await group.waitForAll()
                    #expect(result.object?["status"] == .string("completed"), "\(result)")
                    #expect(result.object?["result"]?.object?["model"] == .string("loop-embed") && result.object?["result"]?.object?["previous_model"] == .string("all-MiniLM-L6-v2"))
                }
                #expect(watch.failures.withLock { $0 }.isEmpty, "\(watch.failures.withLock { $0.prefix(3) })")
                #expect(watch.searches.withLock { $0 } >= 12)

                let after = try await api.call(.get, "/v1/libraries/\(library)")
                #expect(after["embedding_provider"] == .string("loop") && after["embedding_model"] == .string("loop-embed") && after["dimension"] == .int(Int64(dimension)))
                let count = Int(try #require(after["chunk_count"]?.number))
                #expect(count >= 300)
                let late = try await api.call(.get, "/v1/libraries/\(library)/documents?limit=1000&include_embeddings=true")
                let embeddings = try #require(late["documents"]?.array).flatMap { $0.object?["chunks"]?.array ?? [] }.compactMap { $0.object?["embedding"]?.array }
                #expect(embeddings.count == count && embeddings.allSatisfy { $0.count == dimension }, "every chunk, the late ones too, holds the new model's vector")
                embedded.withLock { $0 = [] }
                let query = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "a query for the new model", "k": 3}"#)
                #expect(query.status == .ok && query["results"]?.array?.count == 3)
                #expect(embedded.withLock { $0 } == ["a query for the new model"], "the query was embedded by the new model")
                let old = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "q", "embedding_model": "local"}"#)
                #expect(old.status == .conflict)
            }
        }
    }
}

/// What the searching clients of `moveWhileSearching` share: whether the move still runs, the
/// searches made and the ones that failed.
final class SearchWatch: Sendable {
    let moving = Mutex(true)
    let failures = Mutex<[String]>([])
    let searches = Mutex(0)
}
