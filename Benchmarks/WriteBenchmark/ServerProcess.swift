import Foundation
import Glibc

/// An `arrwdb serve` child process on 127.0.0.1 with the small `hash` embedder (the benchmark
/// brings its own vectors), stopped with SIGTERM.
final class ServerProcess {
    let process = Process()
    let port: Int

    init(binary: String, dataDirectory: String, port: Int, extraEnvironment: [String: String] = [:]) throws {
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

    func stop() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// A free TCP port on 127.0.0.1 (bound to 0, read back, released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                _ = bind(fd, socketAddress, length)
                _ = getsockname(fd, socketAddress, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
