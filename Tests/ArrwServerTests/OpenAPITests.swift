import ArrwEmbeddingRemote
import ArrwEngine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Testing

@testable import ArrwServer

/// `GET /openapi.json` describes the server as it is: every route the routers register is in
/// it and nothing else, its `ErrorCode` schema is the error catalogue, and the answers of a
/// workload over every route (errors included) have a documented status and match its schema.
@Suite struct OpenAPITests {
    static let document = try! JSONDecoder().decode(JSONValue.self, from: Data(OpenAPIDocument.text.utf8))

    static var paths: [String: JSONValue] { document.object?["paths"]?.object ?? [:] }

    /// `METHOD /template` of every operation in the document.
    static var documented: Set<String> {
        Set(paths.flatMap { path, item in (item.object ?? [:]).keys.filter { $0 != "parameters" }.map { "\($0.uppercased()) \(path)" } })
    }

    @Test("every route the HTTP and WebSocket routers register is documented, and every documented operation is a route")
    func routeCoverage() throws {
        let configuration = testConfiguration()
        let database = Database(embedders: try ArrwServer.makeEmbedders(configuration))
        let jobs = JobQueue(
            database: database,
            options: try .init(workers: 1, maxPending: 10, exportDirectory: NSTemporaryDirectory(), exportRetentionSeconds: 60))
        let access = AccessControl(configuration: configuration, database: database)
        let webhooks = try WebhookDispatcher(
            database: database, client: RemoteHTTP.shared, dataDirectory: nil, allowedHosts: [], queueLimit: 16, logger: quietLogger)
        let http = ArrwServer.makeRouter(database: database, jobs: jobs, configuration: configuration, access: access, webhooks: webhooks).routes
            .map { "\($0.method.rawValue) \($0.path.description)" }
        let webSocket = WebSocketRoutes.router(database: database, configuration: configuration, access: access).routes
            .map { "\($0.method.rawValue) \($0.path.description)" }
        let registered = Set(http + webSocket)
        #expect(registered.count > 30, "\(registered.sorted())")
        #expect(registered.subtracting(Self.documented).isEmpty, "registered but not documented: \(registered.subtracting(Self.documented).sorted())")
        #expect(Self.documented.subtracting(registered).isEmpty, "documented but not registered: \(Self.documented.subtracting(registered).sorted())")
    }

    @Test("the document's ErrorCode schema lists exactly the error catalogue's codes")
    func errorCodes() throws {
        let schema = try #require(Self.document.object?["components"]?.object?["schemas"]?.object?["ErrorCode"]?.object)
        let listed = Set(try #require(schema["enum"]?.array).compactMap(\.string))
        #expect(listed == Set(ErrorCatalogue.all.map(\.code)))
    }

    @Test("the document is OpenAPI 3.1 with the API-key security schemes, and every operation has an id, a tag and responses")
    func shape() throws {
        let root = try #require(Self.document.object)
        #expect(root["openapi"] == .string("3.1.0"))
        #expect(root["info"]?.object?["version"] == .string(ArrwServer.version))
        let schemes = try #require(root["components"]?.object?["securitySchemes"]?.object)
        #expect(schemes["bearerAuth"]?.object?["scheme"] == .string("bearer"))
        #expect(schemes["apiKeyAuth"]?.object?["name"] == .string("X-API-Key"))
        var identifiers: Set<String> = []
        for (path, item) in Self.paths {
            for (method, operation) in item.object ?? [:] where method != "parameters" {
                let operation = try #require(operation.object, "\(method) \(path)")
                let identifier = try #require(operation["operationId"]?.string, "\(method) \(path) has no operationId")
                #expect(identifiers.insert(identifier).inserted, "\(identifier) twice")
                #expect(operation["tags"]?.array?.isEmpty == false, "\(method) \(path) has no tag")
                #expect(operation["responses"]?.object?.isEmpty == false, "\(method) \(path) has no responses")
            }
        }
    }

    @Test("GET /openapi.json serves the document; the answers of a workload over every route have documented statuses and match their schemas")
    func answersMatchTheirSchemas() async throws {
        try await withAPI { api in
            let served = try await api.call(.get, "/openapi.json")
            #expect(served.status == .ok && served.json == Self.document)

            var checked: [(String, String, Reply)] = []
            func call(_ method: HTTPRequest.Method, _ template: String, _ uri: String, _ body: String? = nil) async throws -> Reply {
                let reply = try await api.call(method, uri, body)
                checked.append((method.rawValue, template, reply))
                return reply
            }
            let created = try await call(.post, "/v1/libraries", "/v1/libraries", #"{"name": "described", "metadata": {"team": "docs"}}"#)
            let id = try #require(created["id"]?.string)
            let library = "/v1/libraries/\(id)"
            _ = try await call(.post, "/v1/libraries", "/v1/libraries", #"{"name": ""}"#)
            _ = try await call(.get, "/v1/libraries", "/v1/libraries")
            _ = try await call(.get, "/v1/libraries/{id}", library)
            _ = try await call(.get, "/v1/libraries/{id}", "/v1/libraries/\(UUID().uuidString)")
            _ = try await call(.patch, "/v1/libraries/{id}", library, #"{"description": "described by OpenAPI"}"#)
            let added = try await call(.post, "/v1/libraries/{id}/documents", library + "/documents",
                #"{"id": "d1", "title": "One", "text": "vector search over documents", "metadata": {"year": 2024}}"#)
            #expect(added.status == .created)
            _ = try await call(.post, "/v1/libraries/{id}/documents", library + "/documents", #"{"id": "d1", "text": "again"}"#)
            _ = try await call(.post, "/v1/libraries/{id}/documents/batch", library + "/documents/batch",
                #"{"documents": [{"id": "d2", "text": "keyword search with BM25"}, {"id": "d3", "text": "hybrid fusion"}, {"text": 7}]}"#)
            _ = try await call(.get, "/v1/libraries/{id}/documents", library + "/documents?limit=2")
            _ = try await call(.get, "/v1/libraries/{id}/documents/{doc}", library + "/documents/d1")
            _ = try await call(.get, "/v1/libraries/{id}/documents/{doc}", library + "/documents/nope")
            _ = try await call(.put, "/v1/libraries/{id}/documents/{doc}", library + "/documents/d2", #"{"text": "keyword search, replaced"}"#)
            let search = #"{"query": "search", "k": 2, "filter": {"year": {"$gte": 2000}}}"#
            _ = try await call(.post, "/v1/libraries/{id}/search", library + "/search", #"{"query": "search", "k": 3, "include_embeddings": true}"#)
            _ = try await call(.post, "/v1/libraries/{id}/search", library + "/search", #"{"query": "search", "filter": {"a": {"$near": 1}}}"#)
            _ = try await call(.post, "/v1/libraries/{id}/search/metadata", library + "/search/metadata", search)
            _ = try await call(.post, "/v1/libraries/{id}/search/stream", library + "/search/stream", search)
            _ = try await call(.post, "/v1/libraries/{id}/search/hybrid", library + "/search/hybrid", #"{"query": "keyword search", "k": 3}"#)
            _ = try await call(.post, "/v1/libraries/{id}/search/rerank", library + "/search/rerank", #"{"query": "search", "k": 3, "method": "bm25"}"#)
            _ = try await call(.post, "/v1/libraries/{id}/search/rerank", library + "/search/rerank", #"{"query": "search", "method": "cohere"}"#)
            _ = try await call(.get, "/v1/libraries/{id}/statistics", library + "/statistics")
            _ = try await call(.get, "/v1/libraries/{id}/index/statistics", library + "/index/statistics")
            _ = try await call(.post, "/v1/libraries/{id}/index/optimize", library + "/index/optimize")
            let job = try await call(.post, "/v1/jobs/{job}", "/v1/jobs/batch_export", #"{"library_id": "\#(id)"}"#)
            let jobID = try #require(job["job_id"]?.string)
            _ = try await call(.get, "/v1/jobs/{job}", "/v1/jobs/\(jobID)")
            _ = try await call(.get, "/v1/jobs/{job}", "/v1/jobs/\(UUID().uuidString)")
            _ = try await call(.get, "/v1/jobs", "/v1/jobs?limit=5")
            _ = try await call(.get, "/v1/jobs/stats/queue", "/v1/jobs/stats/queue")
            _ = try await call(.get, "/v1/events/stats", "/v1/events/stats")
            _ = try await call(.get, "/health", "/health")
            _ = try await call(.get, "/readiness", "/readiness")
            _ = try await call(.get, "/health/detailed", "/health/detailed")
            _ = try await call(.delete, "/v1/libraries/{id}/documents/{doc}", library + "/documents/d3")
            _ = try await call(.delete, "/v1/libraries/{id}/documents/batch", library + "/documents/batch", #"{"document_ids": ["d2", "gone"]}"#)
            _ = try await call(.delete, "/v1/libraries/{id}", library)

            let validator = JSONSchemaValidator(document: Self.document)
            for (method, template, reply) in checked {
                let label = "\(method) \(template) → \(reply.status.code)"
                let responses = try #require(Self.paths[template]?.object?[method.lowercased()]?.object?["responses"]?.object, "\(method) \(template) is not documented")
                let documented = try #require(responses[String(reply.status.code)] ?? responses["default"], "\(label) is not a documented status")
                let response = documented.object?["$ref"]?.string.flatMap(validator.resolve) ?? documented
                guard let body = reply.json else { continue }
                let schema = try #require(response.object?["content"]?.object?["application/json"]?.object?["schema"], "\(label) documents no JSON body")
                let violations = validator.violations(of: body, against: schema)
                #expect(violations.isEmpty, "\(label): \(violations)")
            }
            #expect(checked.count >= 35)
            let wrong = try #require(checked.first?.2.json?.object).merging(["id": .int(7), "name": .null]) { $1 }
            let librarySchema = try #require(validator.resolve("#/components/schemas/Library"))
            #expect(validator.violations(of: .object(wrong), against: librarySchema).count >= 2, "the validator sees a wrong body")
        }
    }
}
