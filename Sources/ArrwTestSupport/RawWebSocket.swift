import Foundation
import Glibc

/// A deliberately minimal WebSocket client over a blocking POSIX socket: it can send text
/// frames without ever reading, which is how a stuck client behaves (no client library lets
/// you stop reading at the TCP level). Use it from one task at a time.
///
/// Every blocking call runs on a thread of its own, never on Swift's cooperative pool: a send
/// blocked on a full socket there could starve the in-process server that has to drain it.
public final class RawWebSocket: @unchecked Sendable {
    let fd: Int32

    /// Connects and performs the upgrade handshake on `path` with `headers` added; throws unless
    /// the server answers 101.
    public static func connect(port: Int, path: String, headers: [String: String] = [:]) async throws -> RawWebSocket {
        try await onOwnThread { try RawWebSocket(port: port, path: path, headers: headers) }
    }

    private init(port: Int, path: String, headers: [String: String]) throws {
        fd = try connectLoopback(port: port)
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + headers.map { "\($0.key): \($0.value)\r\n" }.joined() + "\r\n"
        _ = try send(Array(request.utf8))
        var response: [UInt8] = []
        var byte: UInt8 = 0
        while !response.ends(with: [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw RawWebSocketError.failed("the handshake was cut short") }
            response.append(byte)
        }
        let status = String(decoding: response, as: UTF8.self)
        guard status.hasPrefix("HTTP/1.1 101") else { throw RawWebSocketError.failed("no upgrade: \(status)") }
    }

    deinit { close(fd) }

    /// Sends one masked text frame; returns false once the server has closed the connection.
    public func sendText(_ text: String) async throws -> Bool {
        try await onOwnThread { try self.blockingSendText(text) }
    }

    /// Sends `text` `count` times from one thread (no thread hand-off per frame, so a loaded
    /// machine sends them quickly); returns how many were sent before the server closed.
    public func sendText(_ text: String, count: Int) async throws -> Int {
        try await onOwnThread {
            var sent = 0
            while sent < count, try self.blockingSendText(text) { sent += 1 }
            return sent
        }
    }

    private func blockingSendText(_ text: String) throws -> Bool {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 126)
            frame.append(UInt8(payload.count >> 8))
            frame.append(UInt8(payload.count & 0xFF))
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return try send(frame)
    }

    private func send(_ bytes: [UInt8]) throws -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EPIPE || errno == ECONNRESET { return false }
                throw RawWebSocketError.failed("send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
        return true
    }

    /// Reads until the server closes the connection (or `seconds` pass without a byte); returns the bytes.
    public func readToEnd(seconds: Int) async -> (bytes: [UInt8], closed: Bool) {
        guard let read = try? await onOwnThread({ readUntilClosed(self.fd, seconds: Double(seconds)) }) else { return ([], false) }
        return (read.bytes, read.closed)
    }

    /// Reads until the bytes read contain `marker`, the server closes, or `seconds` pass without a
    /// byte; returns the bytes. For waiting on an answer without a fixed quiet period.
    public func read(until marker: String, seconds: Int) async -> [UInt8] {
        let marker = Array(marker.utf8)
        let read = try? await onOwnThread {
            readUntilClosed(self.fd, seconds: Double(seconds)) { $0.contains(marker) }
        }
        return read?.bytes ?? []
    }
}

extension RawWebSocket {
    /// One frame a server sent (servers never mask).
    public struct Frame: Sendable, Equatable {
        public var opcode: UInt8
        public var payload: [UInt8]

        /// A close frame's status code, or nil for other frames and an empty close.
        public var closeCode: Int? {
            guard opcode == 0x8, payload.count >= 2 else { return nil }
            return Int(payload[0]) << 8 | Int(payload[1])
        }

        /// A close frame's reason (after its code), or nil for other frames.
        public var closeReason: String? {
            guard opcode == 0x8, payload.count >= 2 else { return nil }
            return String(decoding: payload.dropFirst(2), as: UTF8.self)
        }
    }

    /// The whole frames in `bytes`, in order, read from the first byte (a cut-off last frame is left out).
    public static func frames(in bytes: [UInt8]) -> [Frame] {
        var frames: [Frame] = []
        var offset = 0
        while offset + 2 <= bytes.count {
            var length = Int(bytes[offset + 1] & 0x7F)
            var header = 2
            if length >= 126 {
                let extra = length == 126 ? 2 : 8
                guard offset + 2 + extra <= bytes.count else { break }
                length = bytes[(offset + 2)..<(offset + 2 + extra)].reduce(0) { $0 << 8 | Int($1) }
                header += extra
            }
            guard offset + header + length <= bytes.count else { break }
            frames.append(Frame(opcode: bytes[offset] & 0x0F, payload: Array(bytes[(offset + header)..<(offset + header + length)])))
            offset += header + length
        }
        return frames
    }
}

/// A TCP socket connected to 127.0.0.1:`port`.
func connectLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw RawWebSocketError.failed("connect: \(reason)")
    }
    return fd
}

/// Reads `fd` until the peer closes it (or resets it), `done(bytes)` holds, or `seconds` pass
/// without a byte: the bytes read, whether the peer closed, and when (`ContinuousClock`) the read
/// ended, taken on the reading thread so a busy cooperative pool does not stretch it.
func readUntilClosed(
    _ fd: Int32, seconds: Double, done: ([UInt8]) -> Bool = { _ in false }
) -> (bytes: [UInt8], closed: Bool, ended: ContinuousClock.Instant) {
    var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count == 0 { return (bytes, true, .now) }
        if count < 0 { return (bytes, errno == ECONNRESET, .now) }
        bytes += buffer[0..<count]
        if done(bytes) { return (bytes, false, .now) }
    }
}

/// Runs blocking socket work on a thread of its own, off the cooperative pool.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Why a raw WebSocket connection failed.
public enum RawWebSocketError: Error {
    case failed(String)
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
