import Foundation
import Glibc

/// An `arrwdb serve` child process on 127.0.0.1 for benchmarks, with the `hash` embedder at
/// 384 dimensions (benchmarks bring their own vectors), stopped with SIGTERM.
public final class BenchmarkServer {
    public let process = Process()
    public let port: Int

    public init(binary: String, dataDirectory: String, port: Int, extraEnvironment: [String: String] = [:]) throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDirectory]
        var environment = ProcessInfo.processInfo.environment
        environment["EMBEDDING_PROVIDER"] = "hash"
        environment["EMBEDDING_DIMENSION"] = "384"
        environment["LOG_LEVEL"] = "warning"
        environment.merge(extraEnvironment) { $1 }
        process.environment = environment
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    /// The server's resident memory in MiB, from /proc.
    public var residentMiB: Int { Self.residentMiB(pid: pid) }

    /// A process's resident memory in MiB, from /proc (0 when it is gone).
    public static func residentMiB(pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    public func stop() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
