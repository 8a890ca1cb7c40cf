import ArrwTestSupport
import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// arrw-realtime-bench: against a release `arrwdb serve` (durable, fsync on) holding 10,000
/// 384-d vectors: (1) WebSocket search round trip, (2) event delivery latency from a write's
/// acknowledgement to a WebSocket subscriber receiving it, (3) 50 WebSocket clients searching,
/// without and then with one client that never reads: their p99, the server's memory, and
/// whether the stuck client was closed with a reason.
///
///     swift build -c release --product arrwdb && swift build -c release --package-path Benchmarks --product arrw-realtime-bench && Benchmarks/.build/release/arrw-realtime-bench
struct Settings: Sendable {
    var seconds = 10
    var clients = 50
    var vectors = 10_000
    var binary = ".build/release/arrwdb"

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            switch (flag, iterator.next()) {
            case ("--seconds", let value?) where Int(value) != nil: seconds = Int(value)!
            case ("--clients", let value?) where Int(value) != nil: clients = Int(value)!
            case ("--vectors", let value?) where Int(value) != nil: vectors = Int(value)!
            case ("--server", let value?): binary = value
            default:
                print("usage: arrw-realtime-bench [--seconds S] [--clients N] [--vectors N] [--server PATH]")
                exit(2)
            }
        }
    }
}

let settings = Settings(arguments: Array(CommandLine.arguments.dropFirst()))
let scratch = NSTemporaryDirectory() + "arrw-realtime-bench-" + UUID().uuidString
let port = try freeLoopbackPort()
let server = try BenchmarkServer(binary: settings.binary, dataDirectory: scratch, port: port)
defer {
    server.stop()
    try? FileManager.default.removeItem(atPath: scratch)
}
let base = "http://127.0.0.1:\(port)"
let http = HTTPClient(eventLoopGroupProvider: .singleton)
let library = try await prepareLibrary(http: http, base: base, vectors: settings.vectors)
print("arrw-realtime-bench: \(settings.vectors) × 384-d vectors, brute force, DATA_DIR with fsync on; client and server on this machine")

let roundTrip = try await searchRoundTrips(port: port, library: library, count: 2000)
print("1. WebSocket search round trip (vector query, k=10, one client, sequential): \(roundTrip.summary)")

let (delivery, sendToEvent) = try await eventDelivery(http: http, base: base, port: port, library: library, writes: 1000)
print("2. event delivery, write acknowledged → subscriber has the event: \(delivery.summary)")
print("   (write sent → subscriber has the event: \(sendToEvent.summary); negative means the event beat the HTTP answer)")

let quiet = try await manyClients(port: port, library: library, settings: settings, server: server, withStuckClient: false)
print("3a. \(settings.clients) clients searching, no stuck client: \(quiet.latencies.summary), server RSS peak \(quiet.peakRSS) MiB")
let loaded = try await manyClients(port: port, library: library, settings: settings, server: server, withStuckClient: true)
print("3b. \(settings.clients) clients searching + 1 client that never reads: \(loaded.latencies.summary), server RSS peak \(loaded.peakRSS) MiB")
print("    stuck client: \(loaded.stuckReport)")
print(String(format: "    p99 with / without the stuck client: %.2f×", loaded.latencies.percentile(0.99) / quiet.latencies.percentile(0.99)))
let shutdown: EventLoopFuture<Void> = http.shutdown()
try await shutdown.get()
