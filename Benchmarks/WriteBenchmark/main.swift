import ArrwTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// arrw-write-bench: acknowledged single-document writes per second (POST one document with a
/// brought 384-d vector, answered 201) at 1, 8 and 64 concurrent clients, against a release
/// `arrwdb serve` with fsync before acknowledgement (the default), beside the same server with
/// `DATA_DIR=:memory:` (no log at all) and the raw fsync latency of this disk, in one run:
///
///     swift build -c release --product arrwdb && swift build -c release --package-path Benchmarks --product arrw-write-bench
///     Benchmarks/.build/release/arrw-write-bench [--seconds S] [--clients 1,8,64] [--server .build/release/arrwdb]
/// Command-line settings.
struct Settings: Sendable {
    var seconds = 5.0
    var clientCounts = [1, 8, 64]
    var binary = ".build/release/arrwdb"

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            switch (flag, iterator.next()) {
            case ("--seconds", let value?) where Double(value) != nil: seconds = Double(value)!
            case ("--clients", let value?): clientCounts = value.split(separator: ",").compactMap { Int($0) }
            case ("--server", let value?): binary = value
            default:
                print("usage: arrw-write-bench [--seconds S] [--clients 1,8,64] [--server PATH]")
                exit(2)
            }
        }
    }
}

let settings = Settings(arguments: Array(CommandLine.arguments.dropFirst()))

let scratch = NSTemporaryDirectory() + "arrw-write-bench-" + UUID().uuidString
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

let probe = FsyncProbe.measure(directory: scratch)
print(String(
    format: "raw fsync (4 KiB append + fdatasync, %@): p50 %.3f ms, p99 %.3f ms, mean %.3f ms → at most %.0f serial fsyncs/s",
    scratch, probe.p50Milliseconds, probe.p99Milliseconds, probe.meanMilliseconds, probe.serialSyncsPerSecond))

/// One measured level: acknowledged writes per second and latency percentiles.
struct Level {
    var writesPerSecond: Double
    var p50: Double
    var p99: Double
}

/// The part of a document body after its id: a title and one chunk with a 384-d vector
/// (pseudo-random, fixed per `variant`), formatted once so the client spends its time sending.
func bodyTail(variant: Int) -> String {
    var state = UInt64(variant &* 2_654_435_761 &+ 17)
    let vector = (0..<384).map { _ -> String in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return String(format: "%.5f", Double(state >> 40) / Double(1 << 24) - 0.5)
    }
    return #"", "title": "bench", "chunks": [{"text": "", "embedding": [\#(vector.joined(separator: ","))]}]}"#
}

func run(clients: Int, port: Int, library: String, http: HTTPClient, seconds: Double) async throws -> Level {
    let tails = (0..<64).map { bodyTail(variant: $0) }
    let deadline = ContinuousClock.now + .seconds(seconds)
    let start = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for client in 0..<clients {
            group.addTask {
                var samples: [Double] = []
                var index = 0
                while ContinuousClock.now < deadline {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/libraries/\(library)/documents")
                    request.method = .POST
                    request.headers.add(name: "content-type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"id": "c\#(client)-\#(index)"# + tails[(client + index) % tails.count]))
                    let sent = ContinuousClock.now
                    let response = try await http.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    guard response.status == .created else { fatalError("write answered \(response.status)") }
                    let elapsed = ContinuousClock.now - sent
                    samples.append(elapsed.milliseconds)
                    index += 1
                }
                return samples
            }
        }
        return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
    }
    let elapsed = ContinuousClock.now - start
    let wall = elapsed.seconds
    return Level(writesPerSecond: Double(latencies.count) / wall, p50: latencies[latencies.count / 2], p99: latencies[latencies.count * 99 / 100])
}

func measure(mode: String, dataDirectory: String, settings: Settings) async throws -> [Level] {
    let port = try freeLoopbackPort()
    let server = try BenchmarkServer(binary: settings.binary, dataDirectory: dataDirectory, port: port)
    defer { server.stop() }
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let levels = try await measureLevels(mode: mode, port: port, http: http, settings: settings)
        try await http.shutdown()
        return levels
    } catch {
        try? await http.shutdown()
        throw error
    }
}

func measureLevels(mode: String, port: Int, http: HTTPClient, settings: Settings) async throws -> [Level] {
    var ready = false
    for _ in 0..<100 where !ready {
        ready = (try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/readiness"), timeout: .seconds(1)))?.status == .ok
        if !ready { try await Task.sleep(for: .milliseconds(100)) }
    }
    precondition(ready, "the server did not start")
    var levels: [Level] = []
    for clients in settings.clientCounts {
        var create = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/libraries")
        create.method = .POST
        create.headers.add(name: "content-type", value: "application/json")
        create.body = .bytes(ByteBuffer(string: #"{"name": "bench-\#(clients)", "dimension": 384}"#))
        let created = try await http.execute(create, timeout: .seconds(10))
        let json = try await created.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: json).utf8)) as! [String: Any]
        let level = try await run(clients: clients, port: port, library: object["id"] as! String, http: http, seconds: settings.seconds)
        print(String(format: "  %-16@ %3d clients: %8.0f acknowledged writes/s, p50 %.2f ms, p99 %.2f ms", mode, clients, level.writesPerSecond, level.p50, level.p99))
        levels.append(level)
    }
    return levels
}

print("single-document writes, 384-d vectors brought, brute_force index, \(settings.seconds) s per level, client and server on this machine")
let durable = try await measure(mode: "fsync (default)", dataDirectory: scratch + "/data", settings: settings)
let memory = try await measure(mode: ":memory:", dataDirectory: ":memory:", settings: settings)
print("\n| clients | fsync on: writes/s | p50 ms | p99 ms | in memory: writes/s | fsync / memory |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
for (index, clients) in settings.clientCounts.enumerated() {
    print(String(
        format: "| %d | %.0f | %.2f | %.2f | %.0f | %.2f |", clients, durable[index].writesPerSecond, durable[index].p50,
        durable[index].p99, memory[index].writesPerSecond, durable[index].writesPerSecond / memory[index].writesPerSecond))
}
