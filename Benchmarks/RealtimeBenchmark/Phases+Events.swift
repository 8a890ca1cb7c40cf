import ArrwTestSupport
import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import NIOCore
import NIOWebSocket

/// `writes` sequential single-document POSTs while a WebSocket subscriber listens for
/// `document.added`: the time from each write's acknowledgement (and from its sending) to the
/// subscriber holding its event.
func eventDelivery(http: HTTPClient, base: String, port: Int, library: String, writes: Int) async throws -> (Latencies, Latencies) {
    let sent = Shared([String: ContinuousClock.Instant]())
    let acknowledged = Shared([String: ContinuousClock.Instant]())
    let received = Shared([String: ContinuousClock.Instant]())
    let subscribed = AsyncStream<Void>.makeStream()
    async let listener = WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/libraries/\(library)/ws", logger: logger) { inbound, outbound, _ in
        try await outbound.write(.text(#"{"request_id": "sub", "action": "subscribe", "data": {"event_types": ["document.added"]}}"#))
        var count = 0
        for try await message in inbound.messages(maxSize: 1 << 24) {
            guard case .text(let text) = message else { continue }
            if text.contains("\"subscribed\"") { subscribed.continuation.yield() }
            guard text.contains("\"type\":\"event\""), let range = text.range(of: "\"document_id\":\"e") else { continue }
            let id = String(text[range.upperBound...].prefix { $0 != "\"" })
            received.update { $0["e" + id] = ContinuousClock.now }
            count += 1
            if count == writes { break }
        }
        try await outbound.close(.normalClosure, reason: nil)
    }
    for await _ in subscribed.stream { break }
    for index in 0..<writes {
        let id = "e\(index)"
        sent.update { $0[id] = ContinuousClock.now }
        let (status, _) = try await post(http, "\(base)/v1/libraries/\(library)/documents", #"{"id": "\#(id)", "chunks": [{"text": "", "embedding": \#(vectorJSON(index))}]}"#)
        precondition(status == 201, "write answered \(status)")
        acknowledged.update { $0[id] = ContinuousClock.now }
    }
    _ = try await listener
    var fromAck = Latencies()
    var fromSend = Latencies()
    let events = received.update { $0 }
    let acks = acknowledged.update { $0 }
    let sends = sent.update { $0 }
    for (id, arrival) in events {
        fromAck.samples.append(milliseconds(arrival - acks[id]!))
        fromSend.samples.append(milliseconds(arrival - sends[id]!))
    }
    return (fromAck, fromSend)
}
