import NIOCore

/// The first handler of every connection's pipeline: it sees the raw bytes before the HTTP
/// layer does, enforces `ConnectionGuard`'s limits and timeouts, and can answer under the HTTP
/// layer when no request has been parsed (a 503 beyond `MAX_CONNECTIONS`, a 408 for a head
/// that never completed).
///
/// A connection is in one `Phase` at a time. It waits for a request head (from its opening, or
/// from the first byte after an answer) for at most the read timeout; it reads a body for as long
/// as bytes keep coming, cut when none came for the read timeout while the server was asking for
/// more (a body the server is not reading, because it is busy, never counts as stalled); while
/// the server works on a request or streams its answer (SSE, NDJSON, a WebSocket) nothing is cut;
/// after an answer it idles for at most the idle timeout. `RequestProgressHandler`, after HTTP
/// decoding, reports where each request stands. Until it is there (the first head of a
/// connection that might be a WebSocket upgrade), the end of a head is seen here as the blank
/// line; a connection upgraded to a WebSocket is then left alone.
final class ConnectionWatchHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    enum Phase: Equatable {
        /// No head yet; it must be whole by `deadline`.
        case awaitingHead(deadline: NIODeadline)
        /// Reading a body; cut when the server asked for bytes and none came for the read timeout.
        case readingBody
        /// The server works on the request or streams its answer, or the connection is a WebSocket.
        case serving
        /// An answer was sent; a new request may come until `since` plus the idle timeout.
        case idle(since: NIODeadline)
        /// Refused or cut: closing.
        case closing
    }

    private let connections: ConnectionGuard
    private var phase: Phase = .closing
    private var admitted = false
    private var lastByte = NIODeadline.now()
    private var readRequested = NIODeadline.now()
    private var awaitingRead = false
    private var answerStarted = false
    private var requestsInFlight = 0
    private var decoded = false
    private var headEndMatch = 0
    private var timer: Scheduled<Void>?
    /// This handler's own context (the reports come from another handler's).
    private var context: ChannelHandlerContext?

    init(connections: ConnectionGuard) {
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard connections.admit() else {
            answerAndClose(
                context, ConnectionGuard.closingAnswer(.tooManyConnections, message: "the server has MAX_CONNECTIONS connections open; retry shortly"))
            return
        }
        admitted = true
        awaitHead(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.cancel()
        releaseSlot()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        releaseSlot()
        context.fireChannelInactive()
    }

    /// Stops counting this connection against `MAX_CONNECTIONS` (once).
    private func releaseSlot() {
        if admitted {
            admitted = false
            connections.release()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .closing else { return }
        lastByte = .now()
        awaitingRead = false
        let bytes = unwrapInboundIn(data)
        switch phase {
        case .idle:
            awaitHead(context)
            if !decoded { scanForHeadEnd(bytes) }
        case .awaitingHead:
            if !decoded { scanForHeadEnd(bytes) }
        case .readingBody, .serving, .closing:
            break
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if !awaitingRead {
            awaitingRead = true
            readRequested = .now()
        }
        context.read()
    }

    // MARK: Reports from RequestProgressHandler

    /// The HTTP layer is in place behind this handler; from now on it reports each request.
    func requestLayerAttached() {
        decoded = true
    }

    func requestHeadReceived() {
        requestsInFlight += 1
        answerStarted = false
        phase = .readingBody
        guard let context else { return }
        arm(context, at: max(lastByte, readRequested) + connections.readTimeout)
    }

    func requestEndReceived() {
        if phase == .readingBody { phase = .serving }
    }

    func answerHeadSent() {
        answerStarted = true
    }

    func answerEndSent() {
        requestsInFlight = max(0, requestsInFlight - 1)
        guard requestsInFlight == 0, phase == .serving, let context else { return }
        phase = .idle(since: .now())
        arm(context, at: .now() + connections.idleTimeout)
    }

    // MARK: Phases and the timer

    private func awaitHead(_ context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + connections.readTimeout
        phase = .awaitingHead(deadline: deadline)
        headEndMatch = 0
        arm(context, at: deadline)
    }

    /// Watches for the blank line that ends the first head, before the HTTP layer reports it;
    /// then nothing is cut until that layer (or a WebSocket) takes over.
    private func scanForHeadEnd(_ bytes: ByteBuffer) {
        let pattern: [UInt8] = [13, 10, 13, 10]
        for byte in bytes.readableBytesView {
            headEndMatch = byte == pattern[headEndMatch] ? headEndMatch + 1 : (byte == 13 ? 1 : 0)
            if headEndMatch == 4 {
                phase = .serving
                timer?.cancel()
                return
            }
        }
    }

    private func arm(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.check(context)
        }
    }

    private func check(_ context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        switch phase {
        case .awaitingHead(let deadline):
            guard now >= deadline else { return arm(context, at: deadline) }
            cut(context, message: "the request's head did not arrive whole within \(connections.readTimeout.nanoseconds / 1_000_000_000) s")
        case .readingBody:
            let deadline = max(lastByte, readRequested) + connections.readTimeout
            guard awaitingRead else { return arm(context, at: now + connections.readTimeout) }
            guard now >= deadline else { return arm(context, at: deadline) }
            cut(context, message: "the request's body sent nothing for \(connections.readTimeout.nanoseconds / 1_000_000_000) s")
        case .idle(let since):
            guard now >= since + connections.idleTimeout else { return arm(context, at: since + connections.idleTimeout) }
            phase = .closing
            connections.countIdleClose()
            context.close(promise: nil)
        case .serving, .closing:
            break
        }
    }

    /// Answers 408 (unless an answer has begun) and closes.
    private func cut(_ context: ChannelHandlerContext, message: String) {
        connections.countTimeout()
        guard !answerStarted else {
            phase = .closing
            context.close(promise: nil)
            return
        }
        answerAndClose(context, ConnectionGuard.closingAnswer(.requestTimeout, message: message))
    }

    /// Writes `answer`, then closes gently: the sending side first, so a client still sending
    /// its request reads the answer rather than a reset; whatever it sends is dropped, and the
    /// connection is closed outright a second later. It no longer counts against the limit.
    private func answerAndClose(_ context: ChannelHandlerContext, _ answer: ByteBuffer) {
        phase = .closing
        timer?.cancel()
        releaseSlot()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in
            loopBound.value.close(mode: .output, promise: nil)
        }
        timer = context.eventLoop.scheduleTask(in: .seconds(1)) { loopBound.value.close(promise: nil) }
    }
}
