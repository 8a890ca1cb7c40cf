import ArrwEmbedding
import ArrwEmbeddingRemote
import ArrwEngine
import ArrwServer
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// `CohereEmbedder` and `OpenAIEmbedder` against loopback servers speaking each wire format:
/// the requests they send, batching, and every way a call can fail.
@Suite struct RemoteEmbeddingTests {
    /// Quick retries, so failure paths take milliseconds; a timeout no loaded test machine reaches.
    static var policy: RemoteCallPolicy {
        var policy = RemoteCallPolicy()
        policy.initialBackoff = .milliseconds(5)
        policy.maxAttempts = 3
        policy.timeout = .seconds(20)
        return policy
    }

    static func cohereAnswer(dimension: Int = 4) -> @Sendable (Int, JSONValue) async -> ServiceStub.Reply {
        { _, body in (.ok, [:], ServiceStub.cohere(ServiceStub.texts(body), dimension: dimension)) }
    }

    func kind(of operation: () async throws -> [[Float]]) async -> EmbeddingError.Kind? {
        do {
            _ = try await operation()
            return nil
        } catch let error as EmbeddingError {
            return error.kind
        } catch {
            Issue.record("not an EmbeddingError: \(error)")
            return nil
        }
    }

    @Test("Cohere: v2/embed with the key, the model, float embeddings, search_document or search_query, at most 96 texts per call, vectors in order")
    func cohereWireFormat() async throws {
        let stub = ServiceStub(path: "/v2/embed", answer: Self.cohereAnswer())
        try await stub.serve { base in
            let embedder = CohereEmbedder(apiKey: "co-key", baseURL: base, model: "embed-english-v3.0", dimension: 4, policy: Self.policy)
            let texts = (0..<97).map { String(repeating: "x", count: $0 + 1) }
            let vectors = try await embedder.embed(texts, purpose: .document)
            #expect(vectors.count == 97 && vectors.map { Int($0[0]) } == (1...97).map { $0 })
            _ = try await embedder.embed(["a query"], purpose: .query)
        }
        let calls = stub.calls
        #expect(calls.count == 3)
        #expect(calls.allSatisfy { $0.authorization == "Bearer co-key" && $0.contentType == "application/json" })
        #expect(calls.map { ServiceStub.texts($0.body).count }.sorted() == [1, 1, 96])
        let documentCalls = calls.filter { $0.body.object?["input_type"] == .string("search_document") }
        #expect(documentCalls.count == 2)
        #expect(calls.filter { $0.body.object?["input_type"] == .string("search_query") }.map { ServiceStub.texts($0.body) } == [["a query"]])
        #expect(calls.allSatisfy { $0.body.object?["model"] == .string("embed-english-v3.0") && $0.body.object?["embedding_types"] == .array([.string("float")]) })
    }

    @Test("a 429 is retried after its Retry-After, 5xx answers with backoff; the retries are counted")
    func retries() async throws {
        let stub = ServiceStub(path: "/v2/embed") { number, body in
            switch number {
            case 1: (.tooManyRequests, [.retryAfter: "1"], #"{"message": "slow down"}"#)
            case 2, 3: (.internalServerError, [:], #"{"message": "oops"}"#)
            default: (.ok, [:], ServiceStub.cohere(ServiceStub.texts(body), dimension: 4))
            }
        }
        try await stub.serve { base in
            var policy = Self.policy
            policy.maxAttempts = 5
            let embedder = CohereEmbedder(apiKey: "k", baseURL: base, dimension: 4, policy: policy)
            let start = ContinuousClock.now
            let vectors = try await embedder.embed(["hello"], purpose: .document)
            #expect(vectors.count == 1 && ContinuousClock.now - start >= .seconds(1), "waited the Retry-After")
            #expect(embedder.statistics.snapshot.attempts == 4 && embedder.statistics.snapshot.retries == 3)
            #expect(embedder.statistics.snapshot.lastSuccess != nil && embedder.statistics.snapshot.failures == 0)
        }
    }

    @Test("past every attempt a provider that keeps failing is unreachable, and one that answers too slowly timed out")
    func exhausted() async throws {
        let failing = ServiceStub(path: "/v2/embed") { _, _ in (.serviceUnavailable, [:], #"{"message": "down"}"#) }
        try await failing.serve { base in
            let embedder = CohereEmbedder(apiKey: "k", baseURL: base, dimension: 4, policy: Self.policy)
            #expect(await kind { try await embedder.embed(["a"], purpose: .document) } == .unreachable)
            #expect(embedder.statistics.snapshot.attempts == 3 && embedder.statistics.snapshot.lastError?.contains("down") == true)
        }
        #expect(failing.calls.count == 3)
        let slow = ServiceStub(path: "/v2/embed") { _, body in
            try? await Task.sleep(for: .seconds(2))
            return (.ok, [:], ServiceStub.cohere(ServiceStub.texts(body), dimension: 4))
        }
        let impatient = { var policy = Self.policy; policy.timeout = .milliseconds(300); return policy }()
        try await slow.serve { base in
            let embedder = CohereEmbedder(apiKey: "k", baseURL: base, dimension: 4, policy: impatient)
            #expect(await kind { try await embedder.embed(["a"], purpose: .document) } == .timedOut)
        }
        // A refused connection fails at once (RemoteHTTP does not let the client retry it until
        // the deadline): a closed port costs the backoff, not every attempt's 30 s.
        let closed = CohereEmbedder(apiKey: "k", baseURL: "http://127.0.0.1:1", dimension: 4, policy: Self.policy.withDefaultTimeout)
        let started = ContinuousClock.now
        #expect(await kind { try await closed.embed(["a"], purpose: .document) } == .unreachable)
        #expect(ContinuousClock.now - started < .seconds(5), "a closed port is reported without waiting out the 30 s timeout")
        #expect(closed.statistics.snapshot.attempts == Self.policy.maxAttempts)
    }

    @Test("a rejected key, an unknown model, malformed JSON and vectors of the wrong length or count each fail at once with their own kind")
    func finalFailures() async throws {
        let cases: [(ServiceStub.Reply, EmbeddingError.Kind)] = [
            ((.unauthorized, [:], #"{"message": "invalid api token"}"#), .credentialsRejected),
            ((.notFound, [:], #"{"message": "model 'embed-nope' not found"}"#), .unknownModel),
            ((.badRequest, [:], #"{"message": "too many tokens"}"#), .rejected),
            ((.ok, [:], #"{"embeddings": "#), .malformedAnswer),
            ((.ok, [:], ServiceStub.cohere(["a"], dimension: 3)), .malformedAnswer),
            ((.ok, [:], ServiceStub.cohere(["a", "b"], dimension: 4)), .malformedAnswer),
            ((.ok, [:], #"{"embeddings": {"float": [[1, 2, "x", 4]]}}"#), .malformedAnswer),
        ]
        for (reply, expected) in cases {
            let stub = ServiceStub(path: "/v2/embed") { _, _ in reply }
            try await stub.serve { base in
                let embedder = CohereEmbedder(apiKey: "k", baseURL: base, dimension: 4, policy: Self.policy)
                #expect(await kind { try await embedder.embed(["a"], purpose: .document) } == expected, "\(reply)")
            }
            #expect(stub.calls.count == 1, "no retry for \(reply.status)")
        }
    }

    @Test("OpenAI-compatible: /embeddings with the model, input and float encoding, the key only when set, data in index order, the dimension learned and then held")
    func openAIWireFormat() async throws {
        let dimension = Mutex(3)
        let stub = ServiceStub(path: "/v1/embeddings") { _, body in
            (.ok, [:], ServiceStub.openAI(ServiceStub.texts(body), dimension: dimension.withLock { $0 }))
        }
        try await stub.serve { base in
            let embedder = OpenAIEmbedder(baseURL: base + "/v1", apiKey: nil, model: "nomic-embed-text", dimension: nil, policy: Self.policy)
            #expect(embedder.dimension == 0)
            let vectors = try await embedder.embed(["a", "bbb", "cc"], purpose: .document)
            #expect(vectors.map { Int($0[0]) } == [1, 3, 2] && embedder.dimension == 3)
            dimension.withLock { $0 = 5 }
            #expect(await kind { try await embedder.embed(["a"], purpose: .query) } == .malformedAnswer)
            let keyed = OpenAIEmbedder(baseURL: base + "/v1/", apiKey: "sk-1", model: "text-embedding-3-small", dimension: 5, policy: Self.policy)
            #expect(try await keyed.embed(["z"], purpose: .query).first?.count == 5)
        }
        let calls = stub.calls
        #expect(calls.first?.authorization == nil && calls.last?.authorization == "Bearer sk-1")
        #expect(calls.first?.body.object?["model"] == .string("nomic-embed-text") && calls.first?.body.object?["encoding_format"] == .string("float"))
        #expect(ServiceStub.texts(calls.first!.body) == ["a", "bbb", "cc"])
        let unknown = ServiceStub(path: "/v1/embeddings") { _, _ in
            (.notFound, [:], #"{"error": {"message": "The model `gpt-embed-x` does not exist", "type": "invalid_request_error", "code": "model_not_found"}}"#)
        }
        try await unknown.serve { base in
            let embedder = OpenAIEmbedder(baseURL: base + "/v1", apiKey: "k", model: "gpt-embed-x", dimension: nil, policy: Self.policy)
            #expect(await kind { try await embedder.embed(["a"], purpose: .document) } == .unknownModel)
        }
    }
}

/// The server with `EMBEDDING_PROVIDER=cohere` or `openai` against a loopback provider: documents
/// are embedded there, and a provider's failure is the fitting 4xx/5xx with nothing stored.
@Suite struct RemoteProviderServerTests {
    /// Runs `body` against a server whose provider is `cohere` (8 dimensions) at `stub`.
    func withCohereServer(_ stub: ServiceStub, _ body: @Sendable @escaping (API) async throws -> Void) async throws {
        try await stub.serve { base in
            let configuration = testConfiguration {
                $0.embeddingProvider = "cohere"
                $0.cohereAPIKey = "co-key"
                $0.cohereBaseURL = base
                $0.embeddingDimension = 8
            }
            try await withAPI(configuration, body)
        }
    }

    @Test("cohere: a document's text is embedded by the provider; a rejected key is 502 embedding_credentials_rejected and stores nothing")
    func cohereServer() async throws {
        let rejecting = Mutex(false)
        let stub = ServiceStub(path: "/v2/embed") { _, body in
            rejecting.withLock { $0 }
                ? (.unauthorized, [:], #"{"message": "invalid api token"}"#)
                : (.ok, [:], ServiceStub.cohere(ServiceStub.texts(body), dimension: 8))
        }
        try await withCohereServer(stub) { api in
            let library = try await api.createLibrary("remote")
            let added = try await api.call(.post, "/v1/libraries/\(library)/documents?include_embeddings=true", #"{"id": "d1", "text": "hello there"}"#)
            #expect(added.status == .created)
            let found = try await api.call(.post, "/v1/libraries/\(library)/search", #"{"query": "hello", "k": 1}"#)
            #expect(found["results"]?.array?.first?.object?["document_id"] == .string("d1"))
            rejecting.withLock { $0 = true }
            try await api.call(.post, "/v1/libraries/\(library)/documents", #"{"id": "d2", "text": "refused"}"#)
                .expectError(.badGateway, "embedding_credentials_rejected")
            try await api.call(.get, "/v1/libraries/\(library)/documents/d2").expectError(.notFound, "document_not_found")

            let health = try await api.call(.get, "/health/detailed")
            #expect(health.status == .serviceUnavailable)
            let embedding = try #require(health["components"]?.object?["embedding"]?.object)
            #expect(embedding["status"] == .string("unhealthy") && embedding["model"] == .string("embed-english-v3.0"))
            #expect(embedding["remote"]?.object?["last_error"]?.string?.contains("invalid api token") == true)
            #expect(embedding["remote"]?.object?["last_success"] != .null)
            let (_, _, metrics) = try await MetricsRouteTests.scrape(api)
            #expect(MetricsRouteTests.sample(metrics, #"arrwdb_embedding_remote_attempts_total{provider="cohere"}"#) == 4)
            #expect(MetricsRouteTests.sample(metrics, #"arrwdb_embedding_remote_failures_total{provider="cohere"}"#) == 2)
        }
        #expect(stub.calls.map { $0.body.object?["input_type"]?.string } == ["search_document", "search_query", "search_document", "search_query"])
    }

    @Test("1,000 documents through a Cohere that refuses every third call with 429: each stored once, the retries counted in the batch answers and in /metrics")
    func thousandDocumentsThroughRefusals() async throws {
        let refused = Mutex(0)
        let stub = ServiceStub(path: "/v2/embed") { number, body in
            if number % 3 == 0 {
                refused.withLock { $0 += 1 }
                return (.tooManyRequests, [.retryAfter: "0"], #"{"message": "trial key: too many requests"}"#)
            }
            return (.ok, [:], ServiceStub.cohere(ServiceStub.texts(body), dimension: 8))
        }
        try await withCohereServer(stub) { api in
            let library = try await api.createLibrary("refused")
            var retries = 0
            for batch in 0..<10 {
                let documents = (0..<100).map { #"{"id": "d\#(batch * 100 + $0)", "text": "document number \#(batch * 100 + $0)"}"# }
                let reply = try await api.call(.post, "/v1/libraries/\(library)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)
                #expect(reply.status == .ok && reply["successful"] == .int(100) && reply["failed"] == .int(0), "\(String(describing: reply.json))")
                retries += Int(reply["embedding_retries"]?.number ?? 0)
            }
            #expect(try await api.call(.get, "/v1/libraries/\(library)/statistics")["document_count"] == .int(1000))
            #expect(retries == refused.withLock { $0 } && retries >= 6, "every refusal was retried once and counted")
            let (_, _, metrics) = try await MetricsRouteTests.scrape(api)
            #expect(MetricsRouteTests.sample(metrics, #"arrwdb_embedding_remote_retries_total{provider="cohere"}"#) == Double(retries))
            #expect(MetricsRouteTests.sample(metrics, "vectordb_documents_added_total") == 1000)

            let before = refused.withLock { $0 }
            let documents = (0..<300).map { #"{"id": "j\#($0)", "text": "imported \#($0)"}"# }
            let job = try #require(try await api.call(
                .post, "/v1/jobs/batch_import", #"{"library_id": "\#(library)", "documents": [\#(documents.joined(separator: ","))]}"#)["job_id"]?.string)
            var finished = try await api.call(.get, "/v1/jobs/\(job)")
            for _ in 0..<1000 where finished["status"] != .string("completed") {
                try await Task.sleep(for: .milliseconds(10))
                finished = try await api.call(.get, "/v1/jobs/\(job)")
            }
            let result = try #require(finished["result"]?.object)
            #expect(result["imported"] == .int(300))
            #expect(result["embedding_retries"] == .int(Int64(refused.withLock { $0 } - before)) && refused.withLock { $0 } > before)
        }
    }

    @Test("openai: the model is required at start-up; without it the server refuses to start, saying so")
    func openAIConfiguration() throws {
        #expect(throws: ConfigurationError.self) { try ArrwServer.makeEmbedders(testConfiguration { $0.embeddingProvider = "openai" }) }
        #expect(throws: ConfigurationError.self) { try ArrwServer.makeEmbedders(testConfiguration { $0.embeddingProvider = "cohere" }) }
        let embedders = try ArrwServer.makeEmbedders(testConfiguration {
            $0.embeddingProvider = "openai"
            $0.embeddingModel = "nomic-embed-text"
            $0.openAIBaseURL = "http://127.0.0.1:11434/v1"
        })
        #expect(embedders.defaultName == "openai" && embedders.defaultProvider.modelName == "nomic-embed-text")
    }
}

extension RemoteCallPolicy {
    /// This policy with the production timeout per attempt (30 s).
    var withDefaultTimeout: RemoteCallPolicy {
        var policy = self
        policy.timeout = RemoteCallPolicy().timeout
        return policy
    }
}
