import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to a server on 127.0.0.1 that sends exactly the bytes it is given, when it
/// is told to: for tests of what a server does with slow, stalled or HTTP/1.0 clients.
public final class RawHTTPConnection: @unchecked Sendable {
    let fd: Int32

    public init(port: Int) throws {
        fd = try connectLoopback(port: port)
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
        let (bytes, closed) = (try? await onOwnThread { readUntilClosed(self.fd, seconds: seconds) }) ?? ([], false)
        return (String(decoding: bytes, as: UTF8.self), closed, ContinuousClock.now - start)
    }
}
