import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to a server on 127.0.0.1 that sends exactly the bytes it is given, when it
/// is told to: for tests of what a server does with slow, stalled or HTTP/1.0 clients.
public final class RawHTTPConnection: @unchecked Sendable {
    let fd: Int32

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw RawWebSocketError.failed("connect: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Sends `text`; false once the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads until the server closes the connection or `seconds` pass without a byte: the text
    /// read, whether the server closed, and how long it took.
    public func readToEnd(seconds: Double) async -> (text: String, closed: Bool, elapsed: Duration) {
        let start = ContinuousClock.now
        let (bytes, closed) = (try? await onOwnThread { self.blockingRead(seconds: seconds) }) ?? ([], false)
        return (String(decoding: bytes, as: UTF8.self), closed, ContinuousClock.now - start)
    }

    private func blockingRead(seconds: Double) -> ([UInt8], Bool) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return (bytes, true) }
            if count < 0 { return (bytes, errno == ECONNRESET) }
            bytes += buffer[0..<count]
        }
    }
}
