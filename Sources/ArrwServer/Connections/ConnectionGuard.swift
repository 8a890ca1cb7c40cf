import ArrwEngine
import HTTPTypes
import NIOCore
import Synchronization

/// The server's hold on its connections: `MAX_CONNECTIONS` open at once, a request's head and
/// body read within `REQUEST_READ_TIMEOUT_SECONDS`, keep-alive connections closed after
/// `IDLE_TIMEOUT_SECONDS`. One per server; every connection's `ConnectionWatchHandler` counts
/// itself here, and `/metrics` reads the counters.
final class ConnectionGuard: Sendable {
    let maxConnections: Int
    let readTimeout: TimeAmount
    let idleTimeout: TimeAmount

    private let open = Atomic<Int>(0)
    private let refusedCount = Atomic<Int>(0)
    private let timedOutCount = Atomic<Int>(0)
    private let idleClosedCount = Atomic<Int>(0)

    init(maxConnections: Int, readTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.maxConnections = maxConnections
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
    }

    convenience init(configuration: ServerConfiguration) {
        self.init(
            maxConnections: configuration.maxConnections, readTimeout: .seconds(Int64(configuration.requestReadTimeoutSeconds)),
            idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)))
    }

    /// Counts a new connection in; false when that would pass the limit (it is then not counted).
    func admit() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        guard now > maxConnections else { return true }
        open.subtract(1, ordering: .relaxed)
        refusedCount.add(1, ordering: .relaxed)
        return false
    }

    /// Counts an admitted connection out.
    func release() { open.subtract(1, ordering: .relaxed) }
    func countTimeout() { timedOutCount.add(1, ordering: .relaxed) }
    func countIdleClose() { idleClosedCount.add(1, ordering: .relaxed) }

    /// Connections open now, and how many were refused, cut for a stalled request, and closed idle.
    var statistics: (open: Int, refused: Int, timedOut: Int, idleClosed: Int) {
        (open.load(ordering: .relaxed), refusedCount.load(ordering: .relaxed), timedOutCount.load(ordering: .relaxed),
         idleClosedCount.load(ordering: .relaxed))
    }

    /// A whole HTTP/1.1 answer with the error envelope of `code`, closing the connection, as raw
    /// bytes: written under the HTTP layer, when no request (or only part of one) was parsed.
    static func closingAnswer(_ code: HTTPErrorCode, message: String) -> ByteBuffer {
        let body = JSONValue.object(["error": APIResponse.error(code, message: message)]).jsonBytes
        var head = "HTTP/1.1 \(code.status.code) \(code.status.reasonPhrase)\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        if code == .tooManyConnections { head += "Retry-After: 1\r\n" }
        head += "\r\n"
        var buffer = ByteBuffer(string: head)
        buffer.writeBytes(body)
        return buffer
    }
}
