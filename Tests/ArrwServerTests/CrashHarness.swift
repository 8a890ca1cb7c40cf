import ArrwEngine
import Foundation
import NIOHTTP1
import Testing

/// The crash test's surroundings: a temporary directory holding `data/` (the server's
/// `DATA_DIR`, kept across restarts) and one log per server start, the `arrwdb` binary, an HTTP
/// client, and the server currently running. `run` always kills that server and removes the
/// directory (set `ARRW_CRASH_KEEP=1` to keep it for a look at the data files and logs). The
/// directory also names its owner (this test process) and its server's pid, so that a later run
/// can kill a server that an aborted run (a crash, a CI timeout) left behind.
final class CrashHarness: @unchecked Sendable {
    let http: JSONHTTP
    let binary: URL
    let root: URL
    /// Settings every start gets. A one-second snapshot interval makes servers that live for a
    /// cycle or two snapshot while writers run, so some kills land during or after a snapshot.
    let settings: [String: String]
    private let lock = NSLock()
    private var current: ServerProcess?
    private var starts = 0

    var dataDirectory: URL { root.appendingPathComponent("data") }

    private init(binary: URL, http: JSONHTTP) throws {
        self.binary = binary
        self.http = http
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(Self.prefix)\(UUID().uuidString.prefix(8))")
        let environment = ProcessInfo.processInfo.environment
        settings = ["SNAPSHOT_INTERVAL_SECONDS": environment["ARRW_CRASH_SNAPSHOT_SECONDS"] ?? "1"]
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try String(getpid()).write(to: root.appendingPathComponent("owner.pid"), atomically: true, encoding: .utf8)
    }

    private static let prefix = "arrw-crash-"

    /// Runs `body` with a fresh harness; kills the child and cleans up whether `body` throws or not.
    static func run(_ body: (CrashHarness) async throws -> Void) async throws {
        let binary = try locateArrwdbBinary()
        reapAbandoned()
        try await JSONHTTP.withClient { http in
            let harness = try CrashHarness(binary: binary, http: http)
            do {
                try await body(harness)
            } catch {
                if let server = harness.lock.withLock({ harness.current }), (error as? HarnessError)?.showsLog != true {
                    print("crash test: failed (\(error)); log of the last server (\(server.logFile.path)):\n\(server.logTail())")
                }
                await harness.cleanUp()
                throw error
            }
            await harness.cleanUp()
        }
    }

    /// Starts `arrwdb serve` on the data directory and a new free port, with `extra` settings
    /// beside `settings`, and waits for readiness.
    func start(extra: [String: String] = [:]) async throws -> ServerProcess {
        let number = lock.withLock {
            starts += 1
            return starts
        }
        let server = try ServerProcess(
            binary: binary, dataDirectory: dataDirectory,
            logFile: root.appendingPathComponent("server-\(number).log"), settings: settings.merging(extra) { $1 })
        lock.withLock { current = server }
        try String(server.pid).write(to: root.appendingPathComponent("server.pid"), atomically: true, encoding: .utf8)
        try await server.waitUntilReady(http)
        return server
    }

    /// Creates the test's library (l2, so stored vectors come back exactly) and returns its id.
    func createLibrary(on server: ServerProcess, name: String) async throws -> String {
        let body = #"{"name": "\#(name)", "metric": "l2", "index_type": "hnsw", "dimension": \#(CrashDocument.dimension)}"#
        let reply = try await http.send(.POST, server.baseURL + "/v1/libraries", body)
        guard reply.status == 201, let id = reply["id"]?.string else {
            throw HarnessError("creating the library answered \(reply.status): \(reply.text)")
        }
        return id
    }

    /// `DATA_DIR`'s file count and size, to watch the log being dropped after snapshots.
    func dataSummary() -> String {
        let files = FileManager.default.enumerator(at: dataDirectory, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey])
        var (count, bytes) = (0, 0)
        while let file = files?.nextObject() as? URL {
            guard let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey]), values.isRegularFile == true else { continue }
            count += 1
            bytes += values.fileSize ?? 0
        }
        return "data dir \(count) files, \(bytes / 1024) KiB"
    }

    private func cleanUp() async {
        if let server = lock.withLock({ current }) { await server.crash() }
        if ProcessInfo.processInfo.environment["ARRW_CRASH_KEEP"] != nil {
            try? FileManager.default.removeItem(at: root.appendingPathComponent("owner.pid"))
            print("crash test: kept \(root.path)")
        } else {
            try? FileManager.default.removeItem(at: root)
        }
    }
}

extension CrashHarness {
    /// Kills the servers of harness directories whose owner process is gone (an aborted run) and
    /// removes those directories. A pid is only killed while its command line still names the
    /// directory, so a reused pid is left alone; directories kept with `ARRW_CRASH_KEEP` have no
    /// owner file and stay.
    fileprivate static func reapAbandoned() {
        let manager = FileManager.default
        let temporary = manager.temporaryDirectory
        let names = (try? manager.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let directory = temporary.appendingPathComponent(name)
            let pid = { (file: String) in
                (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)).flatMap { Int32($0) }
            }
            guard let owner = pid("owner.pid"), kill(owner, 0) != 0, errno == ESRCH else { continue }
            if let server = pid("server.pid"),
                let commandLine = try? String(contentsOfFile: "/proc/\(server)/cmdline", encoding: .utf8),
                commandLine.contains(directory.path)
            {
                kill(server, SIGKILL)
                print("crash test: killed arrwdb \(server), left running by an aborted run in \(directory.path)")
            }
            try? manager.removeItem(at: directory)
        }
    }
}

/// The model of every document id, split among writers so each id has one owner.
struct CrashModel: Sendable {
    var documents: [String: TrackedDocument] = [:]
    let owners: [[String]]

    init(writers: Int, idsPerWriter: Int) {
        owners = (0..<writers).map { writer in (0..<idsPerWriter).map { "w\(writer)-\($0)" } }
        for id in owners.joined() { documents[id] = TrackedDocument() }
    }

    /// Writers run until `stop` is set or the server dies; returns their merged tally, whose
    /// `documents` is every id's state afterwards (hand it to `absorb`).
    func write(_ http: JSONHTTP, to documentsURL: String, stop: StopSignal, seed: UInt64) async -> WriterOutcome {
        let writer = CrashWriter(http: http, documentsURL: documentsURL, stop: stop)
        let slices = owners.map { ids in Dictionary(uniqueKeysWithValues: ids.map { ($0, documents[$0] ?? TrackedDocument()) }) }
        return await withTaskGroup(of: WriterOutcome.self) { group in
            for (index, slice) in slices.enumerated() {
                group.addTask { await writer.run(slice, seed: seed &+ UInt64(index) &* 0x9E37_79B9) }
            }
            var total = WriterOutcome(documents: [:])
            for await outcome in group {
                total.documents.merge(outcome.documents) { _, new in new }
                total.acknowledged += outcome.acknowledged
                total.inFlight += outcome.inFlight
                total.problems += outcome.problems
            }
            return total
        }
    }

    /// Takes in what the writers left: acknowledged states and unanswered operations.
    mutating func absorb(_ outcome: WriterOutcome) {
        documents.merge(outcome.documents) { _, new in new }
    }

    /// After a verification: what was found becomes the acknowledged state; nothing is in flight.
    mutating func resolve(_ found: [String: DocumentState]) {
        for id in documents.keys {
            documents[id]?.acknowledged = found[id] ?? .absent
            documents[id]?.inFlight = nil
        }
    }
}

/// A Swift Testing issue listing `problems` (the first `limit` of them) under `headline`.
func recordProblems(_ headline: String, _ problems: [String], limit: Int = 12, footer: String = "") {
    guard !problems.isEmpty else { return }
    var lines = [headline] + problems.prefix(limit).map { "  - \($0)" }
    if problems.count > limit { lines.append("  … and \(problems.count - limit) more") }
    if !footer.isEmpty { lines.append(footer) }
    Issue.record(Comment(rawValue: lines.joined(separator: "\n")))
}
