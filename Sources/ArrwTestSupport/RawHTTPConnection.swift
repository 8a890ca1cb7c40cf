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

    /// Sends `text` one character at a time, `interval` apart, from a thread of its own, so the
    /// pace holds however busy the cooperative pool is; false once the server has closed.
    public func sendSlowly(_ text: String, every interval: Duration) async -> Bool {
        let microseconds = UInt32(interval.components.seconds * 1_000_000 + interval.components.attoseconds / 1_000_000_000_000)
        return (try? await onOwnThread {
            for character in text {
                usleep(microseconds)
                guard self.send(String(character)) else { return false }
            }
            return true
        }) ?? false
    }

    /// Reads until the server closes the connection or `seconds` pass without a byte: the text
    /// read, whether the server closed, and how long it took (until the read ended on its thread).
    public func readToEnd(seconds: Double) async -> (text: String, closed: Bool, elapsed: Duration) {
        await read(seconds: seconds) { _ in false }
    }

    /// Reads until the text read contains `marker`, the server closes, or `seconds` pass without a
    /// byte; for a stream that stays open, without waiting out a quiet period.
    public func read(until marker: String, seconds: Double) async -> (text: String, closed: Bool, elapsed: Duration) {
        let marker = Array(marker.utf8)
        return await read(seconds: seconds) { $0.contains(marker) }
    }

    private func read(seconds: Double, done: @escaping @Sendable ([UInt8]) -> Bool) async -> (text: String, closed: Bool, elapsed: Duration) {
        let start = ContinuousClock.now
        guard let read = try? await onOwnThread({ readUntilClosed(self.fd, seconds: seconds, done: done) }) else {
            return ("", false, ContinuousClock.now - start)
        }
        return (String(decoding: read.bytes, as: UTF8.self), read.closed, read.ended - start)
    }
}
