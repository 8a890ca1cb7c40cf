import ArrwTestSupport
import AsyncHTTPClient
import Foundation
import NIOCore

/// arrw-jobs-bench: background jobs through the HTTP API of a release `arrwdb serve` (hash
/// embedder, 384 dimensions, a fresh temporary data directory, fsync on, JOB_WORKERS at its
/// default 4, MAX_PENDING_JOBS 100,000), in one run:
///
/// 1. small-job throughput: N `batch_delete` jobs of one absent id each, submitted by C
///    clients; submitted/s, submit latency, and completed jobs per minute from the first
///    submission to the last completion, against the floor of 10,000 jobs/min;
/// 2. search latency on an HNSW library of M documents, idle and while an `index_rebuild` job
///    (a PATCH to new HNSW parameters) runs, and the rebuild's time.
///
///     swift build -c release --product arrwdb && swift build -c release --package-path Benchmarks --product arrw-jobs-bench
///     Benchmarks/.build/release/arrw-jobs-bench [--jobs N] [--clients C] [--documents M] [--searches S] [--binary PATH]
struct Settings: Sendable {
    var jobs = 20_000
    var clients = 16
    var documents = 20_000
    var searches = 500
    var binary = ".build/release/arrwdb"

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            switch (flag, iterator.next()) {
            case ("--jobs", let value?) where (Int(value) ?? 0) > 0: jobs = Int(value)!
            case ("--clients", let value?) where (Int(value) ?? 0) > 0: clients = Int(value)!
            case ("--documents", let value?) where (Int(value) ?? 0) > 0: documents = Int(value)!
            case ("--searches", let value?) where (Int(value) ?? 0) > 0: searches = Int(value)!
            case ("--binary", let value?), ("--server", let value?): binary = value
            default:
                print("usage: arrw-jobs-bench [--jobs N] [--clients C] [--documents M] [--searches S] [--binary PATH]")
                exit(2)
            }
        }
    }
}

/// Starts the server, runs both parts against it and prints their tables; the server is
/// stopped and its data directory removed whether or not a part fails.
func runBenchmark(_ settings: Settings) async throws {
    guard FileManager.default.isExecutableFile(atPath: settings.binary) else {
        throw UnexpectedAnswer(description: "no server binary at \(settings.binary); build it with swift build -c release --product arrwdb, or pass --binary PATH")
    }
    let scratch = NSTemporaryDirectory() + "arrw-jobs-bench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let port = try freeLoopbackPort()
    let server = try BenchmarkServer(
        binary: settings.binary, dataDirectory: scratch + "/data", port: port, extraEnvironment: ["MAX_PENDING_JOBS": "100000"])
    defer { server.stop() }

    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(settings.clients, 4) + 8)
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let api = APIClient(http: http, port: port)
        try await api.waitUntilReady()
        print("server: \(settings.binary), pid \(server.pid), data dir \(scratch)/data (fsync on)")
        report(try await measureJobThroughput(api: api, jobs: settings.jobs, clients: settings.clients))
        print("\nserver RSS after part 1: \(server.residentMiB) MiB")
        report(try await measureSearchDuringRebuild(api: api, documents: settings.documents, searches: settings.searches))
        print("\nserver RSS after part 2: \(server.residentMiB) MiB")
        try await measureCancel(api: api, documents: 100_000)
        try await http.shutdown()
    } catch {
        try? await http.shutdown()
        throw error
    }
}

let settings = Settings(arguments: Array(CommandLine.arguments.dropFirst()))
print("""
    ## arrw-jobs-bench

    \(settings.jobs) jobs from \(settings.clients) clients; \(settings.documents) documents and \(settings.searches) searches \
    for the rebuild part; client and server on this machine
    at start: \(loadLine())
    """)
do {
    try await runBenchmark(settings)
} catch {
    print("arrw-jobs-bench failed: \(error)")
    exit(1)
}
print("\nat end: \(loadLine())")
