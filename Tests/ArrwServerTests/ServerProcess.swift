import ArrwTestSupport
import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the test harness itself (no binary, a server that never became ready), as
/// opposed to a durability problem the crash test found.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    /// The description already holds the server's log.
    var showsLog = false

    init(_ description: String, showsLog: Bool = false) {
        self.description = description
        self.showsLog = showsLog
    }
}

/// An `arrwdb serve` child process on 127.0.0.1 with its own free port and log file, so a test
/// can crash the real server (`SIGKILL`) and start it again on the same data directory.
///
/// The child's environment is minimal (`PATH` and `HOME`, the `hash` embedder, plus `settings`),
/// so variables of the shell that runs the tests (`API_KEYS`, `RATE_LIMIT_ENABLED`, …) cannot
/// leak into it.
final class ServerProcess: Sendable {
    let port: Int
    let logFile: URL
    let pid: Int32
    private let process: Process
    private let exitStatus: Task<Int32, Never>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(binary: URL, dataDirectory: URL, logFile: URL, settings: [String: String] = [:]) throws {
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDirectory.path]
        var environment = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME"].contains($0.key) }
        environment["EMBEDDING_PROVIDER"] = "hash"
        environment["EMBEDDING_DIMENSION"] = "8"
        environment.merge(settings) { _, new in new }
        process.environment = environment
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw HarnessError("cannot create the server log \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let (exits, exited) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exited.yield(finished.terminationStatus)
            exited.finish()
        }
        try process.run()
        self.port = port
        self.logFile = logFile
        self.pid = process.processIdentifier
        self.process = process
        self.exitStatus = Task {
            for await status in exits { return status }
            return -1
        }
    }

    /// Kills the server with `SIGKILL`, as a crash would, and waits until it has exited.
    func crash() async {
        kill(pid, SIGKILL)
        _ = await exitStatus.value
    }

    /// Whether the process is still alive.
    var isRunning: Bool { process.isRunning }

    /// Polls `GET /readiness` until it answers 200; throws (with the server's log) when the
    /// process exits first or `timeout` passes. Connection errors and other statuses mean "not yet".
    func waitUntilReady(_ http: JSONHTTP, timeout: Duration = .seconds(20)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var last = "no answer yet"
        while clock.now < deadline {
            guard isRunning else {
                throw HarnessError("arrwdb exited before it was ready; its log:\n\(logTail())", showsLog: true)
            }
            do {
                let reply = try await http.send(.GET, baseURL + "/readiness", timeout: .seconds(2))
                if reply.status == 200 { return }
                last = "HTTP \(reply.status) \(reply.text)"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("GET /readiness did not answer 200 within \(timeout) (last: \(last)); log:\n\(logTail())", showsLog: true)
    }

    /// The last `lines` lines of the server's log.
    func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? "(no log at \(logFile.path))"
        let tail = text.split(separator: "\n").suffix(lines)
        return tail.map { "    | \($0)" }.joined(separator: "\n")
    }
}

/// The `arrwdb` executable built beside this test bundle: `swift build --build-tests` puts both
/// in `.build/<configuration>/`. `ARRWDB_BINARY` overrides the search.
func locateArrwdbBinary() throws -> URL {
    let manager = FileManager.default
    if let override = ProcessInfo.processInfo.environment["ARRWDB_BINARY"] {
        guard manager.isExecutableFile(atPath: override) else {
            throw HarnessError("ARRWDB_BINARY=\(override) is not an executable file")
        }
        return URL(fileURLWithPath: override)
    }
    let starts: [String] = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }
        + [Bundle.main.bundlePath] + Bundle.allBundles.map(\.bundlePath).filter { $0.hasSuffix(".xctest") }
    var searched: [String] = []
    for start in starts {
        var directory = URL(fileURLWithPath: start).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("arrwdb")
            searched.append(candidate.path)
            if manager.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
    }
    throw HarnessError(
        "the arrwdb executable is not built beside the tests (looked at \(Set(searched).sorted().joined(separator: ", "))); "
            + "build everything first: swift build --build-tests (scripts/test and scripts/crash-test do)")
}
