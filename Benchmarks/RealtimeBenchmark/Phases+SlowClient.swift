import ArrwTestSupport
import Foundation
import HummingbirdWSClient
import NIOCore
import NIOWebSocket

/// The outcome of one many-clients run.
struct ManyClients {
    var latencies: Latencies
    var peakRSS: Int
    var stuckReport: String
}

/// `settings.clients` connections searching back to back for `settings.seconds`; with
/// `withStuckClient`, one more connection floods large searches and never reads a byte.
func manyClients(port: Int, library: String, settings: Settings, server: BenchmarkServer, withStuckClient: Bool) async throws -> ManyClients {
    let url = "ws://127.0.0.1:\(port)/v1/libraries/\(library)/ws"
    let deadline = ContinuousClock.now + .seconds(settings.seconds)
    let pid = server.pid
    let peak = Shared(BenchmarkServer.residentMiB(pid: pid))
    let sampler = Task {
        while ContinuousClock.now < deadline + .seconds(2) {
            let rss = BenchmarkServer.residentMiB(pid: pid)
            peak.update { $0 = max($0, rss) }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
    let stuck = withStuckClient ? try await RawWebSocket.connect(port: port, path: "/v1/libraries/\(library)/ws") : nil
    let flood = Task { () -> Int in
        guard let stuck else { return 0 }
        var sent = 0
        let request = searchRequest(7, k: 100, embeddings: true)
        while ContinuousClock.now < deadline, (try? await stuck.sendText(request)) == true { sent += 1 }
        return sent
    }
    let all = Shared(Latencies())
    try await withThrowingTaskGroup(of: Void.self) { group in
        for client in 0..<settings.clients {
            group.addTask {
                try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
                    var latencies = Latencies()
                    var index = client * 100_000
                    while ContinuousClock.now < deadline {
                        let start = ContinuousClock.now
                        try await outbound.write(.text(searchRequest(index)))
                        _ = try await messages.next()
                        latencies.add(since: start)
                        index += 1
                    }
                    all.update { $0.samples += latencies.samples }
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
        }
        try await group.waitForAll()
    }
    let sent = await flood.value
    await sampler.value
    var report = "none"
    if let stuck {
        let (bytes, closed) = await stuck.readToEnd(seconds: 5)
        var reason = "no close frame seen (the connection was cut)"
        if let close = RawWebSocket.frames(in: bytes).last, let code = close.closeCode {
            reason = "close \(code): \(close.closeReason ?? "")"
        }
        report = "sent \(sent) large searches without reading; connection closed by the server: \(closed ? "yes" : "NO"); \(reason)"
    }
    return ManyClients(latencies: all.update { $0 }, peakRSS: peak.update { $0 }, stuckReport: report)
}
