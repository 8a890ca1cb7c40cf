import ArrwEngine
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// Webhooks across a crash of a real `arrwdb serve` process: the receiver is down for 10 s
/// while the server takes writes, is killed with SIGKILL and restarted (snapshotting every
/// second, so the log is dropped behind it as it goes), and every event still arrives, signed,
/// the first arrivals in sequence order; re-sent ones are reported as possible duplicates.
@Suite struct WebhookCrashTests {
    @Test("receiver down for 10 s, the server kill -9'd meanwhile: every event still arrives", .timeLimit(.minutes(3)))
    func killNineDuringOutage() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serve { url in
            try await CrashHarness.run { harness in
                var server = try await harness.start()
                let library = try await harness.createLibrary(on: server, name: "hooked")
                let created = try await harness.http.send(
                    .POST, server.baseURL + "/v1/webhooks",
                    #"{"url": "\#(url)", "events": ["document.created"], "retry_delay_seconds": 0.2, "max_retries": 10}"#)
                #expect(created.status == 201, "\(created.text)")
                let secret = try #require(created["secret"]?.string)
                receiver.down.store(true, ordering: .relaxed)
                let outage = ContinuousClock.now
                func write(_ range: Range<Int>) async throws {
                    for index in range {
                        let vector = (0..<CrashDocument.dimension).map { String(Double((index + $0) % 7) + 0.5) }.joined(separator: ",")
                        let reply = try await harness.http.send(
                            .POST, server.baseURL + "/v1/libraries/\(library)/documents",
                            #"{"id": "w\#(index)", "chunks": [{"text": "write \#(index)", "embedding": [\#(vector)]}]}"#)
                        #expect(reply.status == 201, "\(reply.text)")
                    }
                }
                try await write(0..<250)
                await server.crash()
                server = try await harness.start()
                try await write(250..<500)
                let remaining = .seconds(10) - (ContinuousClock.now - outage)
                if remaining > .zero { try await Task.sleep(for: remaining) }
                #expect(receiver.deliveries.isEmpty, "nothing got through while the receiver was down")
                receiver.down.store(false, ordering: .relaxed)
                for _ in 0..<3000 {
                    let arrived = Set(receiver.deliveries.compactMap { try? JSONValue.parse($0.body).object?["data"]?.object?["document_id"]?.string })
                    if arrived.count == 500 { break }
                    try await Task.sleep(for: .milliseconds(30))
                }
                let deliveries = receiver.deliveries
                let ids = deliveries.compactMap { try? JSONValue.parse($0.body).object?["data"]?.object?["document_id"]?.string }
                #expect(Set(ids) == Set((0..<500).map { "w\($0)" }), "every acknowledged write's event arrived")
                #expect(deliveries.allSatisfy { WebhookReceiver.verifies($0, secret: secret) })
                var firstArrivals: [UInt64] = []
                var seen = Set<UInt64>()
                for sequence in deliveries.compactMap(\.eventId) where seen.insert(sequence).inserted { firstArrivals.append(sequence) }
                #expect(firstArrivals == firstArrivals.sorted(), "first arrivals in sequence order")
                print("webhook crash test: \(deliveries.count) deliveries for 500 events (\(deliveries.count - seen.count) duplicates)")
            }
        }
    }
}
