import ArrwEngine
import ArrwEmbedding
import ArrwEmbeddingRemote
@testable import ArrwServer
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A loopback webhook receiver: records every POST (raw body and the webhook headers) and
/// answers 200, or 503 while `down`.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var body: [UInt8]
        var signature: String?
        var eventId: UInt64?
        var eventType: String?
        var webhookId: String?
    }

    let down = Atomic<Bool>(false)
    private let recorded = Mutex<[Delivery]>([])
    var deliveries: [Delivery] { recorded.withLock { $0 } }

    func serve(_ body: @Sendable @escaping (String) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            if self.down.load(ordering: .relaxed) { return Response(status: .serviceUnavailable) }
            self.recorded.withLock {
                $0.append(Delivery(
                    body: Array(bytes.readableBytesView), signature: request.headers[HTTPField.Name("X-Webhook-Signature")!],
                    eventId: request.headers[HTTPField.Name("X-Event-ID")!].flatMap(UInt64.init),
                    eventType: request.headers[HTTPField.Name("X-Event-Type")!], webhookId: request.headers[HTTPField.Name("X-Webhook-ID")!]))
            }
            return Response(status: .ok)
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in try await body("http://127.0.0.1:\(try #require(client.port))/hook") }
    }

    /// Waits until `count` deliveries arrived (at most `seconds`), asking `api` for the webhook's
    /// statistics meanwhile: a test client left idle past IDLE_TIMEOUT_SECONDS (which a loaded
    /// machine delivering slowly reaches) would find its connection closed.
    func waitFor(_ count: Int, api: API, webhook: String, seconds: Int = 240) async throws {
        for _ in 0..<(seconds * 10) where deliveries.count < count {
            _ = try await api.call(.get, "/v1/webhooks/\(webhook)/stats")
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func verifies(_ delivery: Delivery, secret: String) -> Bool {
        let code = HMAC<SHA256>.authenticationCode(for: delivery.body, using: SymmetricKey(data: Array(secret.utf8)))
        return delivery.signature == "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }
}

/// Webhooks: registered, checked and listed; every matching change event POSTed in sequence
/// order, signed; retried while the receiver is down; resumed after a restart from the saved
/// position; targets restricted to loopback unless WEBHOOK_ALLOWED_HOSTS allows more.
@Suite struct WebhookTests {
    @Test("1,000 writes: every event arrives once, in sequence order, each signature verifies; stats and deliveries say so")
    func deliversEveryEventInOrder() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { url in
            try await withAPI(testConfiguration(), setup: .live) { api in
                let library = try await api.createLibrary("hooked")
                // Quick retries: on a loaded machine a send can fail once (a kept-alive connection
                // the receiver just closed), and the default first retry waits 30-60 s.
                let created = try await api.call(
                    .post, "/v1/webhooks",
                    #"{"url": "\#(url)", "events": ["document.created", "document.deleted"], "library_id": "\#(library)", "retry_delay_seconds": 0.2}"#)
                #expect(created.status == .created)
                let id = try #require(created["id"]?.string), secret = try #require(created["secret"]?.string)
                #expect(secret.count == 64 && created["max_retries"] == .int(3))
                for batch in 0..<10 {
                    let documents = (0..<100).map { #"{"id": "d\#(batch * 100 + $0)", "text": "document \#(batch * 100 + $0)"}"# }
                    #expect(try await api.call(.post, "/v1/libraries/\(library)/documents/batch", #"{"documents": [\#(documents.joined(separator: ","))]}"#)["successful"] == .int(100))
                }
                try await receiver.waitFor(1000, api: api, webhook: id)
                let deliveries = receiver.deliveries
                #expect(deliveries.count == 1000)
                let sequences = deliveries.compactMap(\.eventId)
                #expect(sequences == sequences.sorted() && Set(sequences).count == 1000, "in sequence order, none twice")
                #expect(deliveries.allSatisfy { WebhookReceiver.verifies($0, secret: secret) && $0.webhookId == id && $0.eventType == "document.added" })
                let first = try JSONValue.parse(deliveries[0].body)
                #expect(first.object?["data"]?.object?["document_id"] == .string("d0") && first.object?["sequence"] == .int(Int64(sequences[0])))

                let stats = try await api.call(.get, "/v1/webhooks/\(id)/stats")
                #expect(stats["successful_deliveries"] == .int(1000) && stats["failed_deliveries"] == .int(0))
                #expect(try await api.call(.get, "/api/v1/webhooks/\(id)/deliveries")["deliveries"]?.array?.count == 100)
                #expect(try await api.call(.get, "/v1/webhooks")["webhooks"]?.array?.first?.object?["secret"] == nil)
            }
        }
    }

    @Test("a receiver down across two snapshots, then the server restarted: every event still arrives, in order, retries counted")
    func survivesOutageAndRestart() async throws {
        let directory = NSTemporaryDirectory() + "arrw-webhooks-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = testConfiguration { $0.dataDirectory = directory }
        let receiver = WebhookReceiver()
        try await receiver.serve { url in
            let (first, _) = try ArrwServer.openDatabase(configuration: configuration, logger: quietLogger)
            let ids = Mutex<(library: String, webhook: String)>(("", ""))
            try await withAPI(configuration, database: first, setup: .live) { api in
                let library = try await api.createLibrary("outage")
                let created = try await api.call(.post, "/v1/webhooks", #"{"url": "\#(url)", "events": ["*"], "retry_delay_seconds": 0.1, "max_retries": 10}"#)
                ids.withLock { $0 = (library, created["id"]?.string ?? "") }
                receiver.down.store(true, ordering: .relaxed)
                // Two snapshots while it is down: the log after the webhook's position must outlive them.
                for index in 0..<25 { _ = try await api.addDocument(library, #"{"id": "o\#(index)", "text": "outage \#(index)"}"#) }
                try first.writeSnapshot()
                for index in 25..<50 { _ = try await api.addDocument(library, #"{"id": "o\#(index)", "text": "outage \#(index)"}"#) }
                try first.writeSnapshot()
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.deliveries.isEmpty)
                let stats = try await api.call(.get, "/v1/webhooks/\(ids.withLock { $0.webhook })/stats")
                #expect((stats["retries"]?.number ?? 0) > 0 && stats["delivered_through"] != nil)
            }
            try first.close()
            receiver.down.store(false, ordering: .relaxed)
            let (second, _) = try ArrwServer.openDatabase(configuration: configuration, logger: quietLogger)
            try await withAPI(configuration, database: second, setup: .live) { api in
                let (library, webhook) = ids.withLock { $0 }
                for index in 50..<100 { _ = try await api.addDocument(library, #"{"id": "o\#(index)", "text": "after \#(index)"}"#) }
                try await receiver.waitFor(100, api: api, webhook: webhook)
                let added = receiver.deliveries.filter { $0.eventType == "document.added" }
                let documentIds = added.compactMap { try? JSONValue.parse($0.body).object?["data"]?.object?["document_id"]?.string }
                #expect(Set(documentIds) == Set((0..<100).map { "o\($0)" }), "every event arrived")
                let sequences = added.compactMap(\.eventId)
                #expect(sequences == sequences.sorted(), "in sequence order (a re-sent event only ever repeats the latest ones)")
                #expect(try await api.call(.get, "/v1/webhooks/\(webhook)")["url"] == .string(url))
            }
            try second.close()
        }
    }

    @Test("bad bodies are 400s naming the field; a host beyond loopback needs WEBHOOK_ALLOWED_HOSTS; unknown ids 404")
    func checks() async throws {
        try await withAPI(testConfiguration(), setup: .live) { api in
            try await api.call(.post, "/v1/webhooks", #"{"events": ["*"]}"#).expectError(.badRequest, "validation_error", field: "url")
            try await api.call(.post, "/v1/webhooks", #"{"url": "http://127.0.0.1:9/x", "events": ["nope"]}"#).expectError(.badRequest, field: "events")
            try await api.call(.post, "/v1/webhooks", #"{"url": "http://127.0.0.1:9/x", "events": ["*"], "max_retries": 11}"#)
                .expectError(.badRequest, "validation_error", field: "max_retries")
            try await api.call(.post, "/v1/webhooks", #"{"url": "ftp://127.0.0.1/x", "events": ["*"]}"#).expectError(.badRequest, "webhook_target_forbidden")
            try await api.call(.post, "/v1/webhooks", #"{"url": "http://10.0.0.5/x", "events": ["*"]}"#).expectError(.badRequest, "webhook_target_forbidden")
            try await api.call(.get, "/v1/webhooks/nope").expectError(.notFound, "webhook_not_found")
            let created = try await api.call(.post, "/v1/webhooks", #"{"url": "http://localhost:9/x", "events": ["search.completed"], "description": "d"}"#)
            let id = try #require(created["id"]?.string)
            let patched = try await api.call(.patch, "/v1/webhooks/\(id)", #"{"active": false, "events": ["library.created"]}"#)
            #expect(patched["active"] == .bool(false) && patched["events"] == .array([.string("library.created")]))
            #expect(try await api.call(.delete, "/api/v1/webhooks/\(id)").status == .noContent)
            try await api.call(.get, "/v1/webhooks/\(id)").expectError(.notFound, "webhook_not_found")
        }
        try await withAPI(testConfiguration { $0.webhookAllowedHosts = ["hooks.example.org"] }, setup: .live) { api in
            let allowed = try await api.call(.post, "/v1/webhooks", #"{"url": "https://hooks.example.org/x", "events": ["*"]}"#)
            #expect(allowed.status == .created)
        }
    }
}

/// `webhooks.json` version 1 (before tenants), as release 930d84a wrote it, checked in: later
/// releases read it, its webhooks the admin's (no tenant), and write it back as version 2.
@Suite struct WebhookFileTests {
    @Test("the checked-in webhooks.json of version 1 loads with every field and position; an unknown version is refused")
    func version1Loads() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/webhooks-v1/webhooks.json")
        let directory = NSTemporaryDirectory() + "arrw-webhook-file-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: fixture.path, toPath: directory + "/webhooks.json")
        let loaded = try WebhookStore(path: directory + "/webhooks.json").load().sorted { $0.createdAt < $1.createdAt }
        #expect(loaded.count == 2)
        #expect(loaded[0].id == "5a0c6f3e-2b7d-4c1e-9a8b-2d6f4e1a7c30" && loaded[0].deliveredThrough == 42 && loaded[0].events == ["document.created", "document.deleted"])
        #expect(loaded[0].libraryId == "3f0c2a9e-5b7d-4c1e-9a8b-2d6f4e1a7c31" && loaded[0].maxRetries == 3 && loaded[0].active)
        #expect(loaded[1].libraryId == nil && !loaded[1].active && loaded[1].retryDelaySeconds == 0.5 && loaded[1].deliveredThrough == 7)
        #expect(loaded.allSatisfy { $0.tenantId == nil }, "webhooks from before tenants are the admin's")
        let database = Database(embedder: HashEmbedder(dimension: 8))
        let dispatcher = try WebhookDispatcher(
            database: database, client: RemoteHTTP.shared, dataDirectory: directory, allowedHosts: [], queueLimit: 16, logger: quietLogger)
        #expect(dispatcher.all.map(\.id) == loaded.map(\.id) && dispatcher.lowestActivePosition == 42)
        try dispatcher.save()
        #expect(try WebhookStore(path: directory + "/webhooks.json").load().sorted { $0.createdAt < $1.createdAt } == loaded, "written back unchanged")
        let written = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: directory + "/webhooks.json")))
        #expect(written.object?["version"] == .int(2))

        try Data(#"{"version": 3, "webhooks": []}"#.utf8).write(to: URL(fileURLWithPath: directory + "/webhooks.json"))
        #expect(throws: EngineError.self) { try WebhookStore(path: directory + "/webhooks.json").load() }
    }
}
