import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Sits after the HTTP layer's decoding and tells the connection's `ConnectionWatchHandler`
/// where each request stands: head received, body complete, answer begun, answer complete.
/// When added it also puts an `HTTP10FramingHandler` in front of the HTTP/1 codec.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var watch: ConnectionWatchHandler?

    func handlerAdded(context: ChannelHandlerContext) {
        let operations = context.pipeline.syncOperations
        watch = try? operations.handler(type: ConnectionWatchHandler.self)
        watch?.requestLayerAttached()
        if let codec = try? operations.handler(type: HTTP1ToHTTPServerCodec.self) {
            try? operations.addHandler(HTTP10FramingHandler(), position: .before(codec))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: watch?.requestHeadReceived()
        case .body: break
        case .end: watch?.requestEndReceived()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: watch?.answerHeadSent()
        case .end: watch?.answerEndSent()
        case .head, .body: break
        }
        context.write(data, promise: promise)
    }
}

/// Answers an HTTP/1.0 request as HTTP/1.0: the HTTP/1 codec under Hummingbird writes every
/// answer as 1.1, so an answer of unknown length (SSE, NDJSON streams) went out with
/// `transfer-encoding: chunked`, which a 1.0 client cannot read. Here every answer to a 1.0
/// request is marked 1.0; one of unknown length is sent as it is with `connection: close`, and
/// the connection closes after it, as after any answer to a 1.0 request without `keep-alive`.
final class HTTP10FramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Each request's version and whether it asked to keep the connection, oldest first.
    private var requests: [(version: HTTPVersion, keepAlive: Bool)] = []
    private var closeAfterAnswer = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { requests.append((head.version, head.isKeepAlive)) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            let request = requests.isEmpty ? (version: .http1_1, keepAlive: true) : requests.removeFirst()
            guard request.version == .http1_0 else { return context.write(data, promise: promise) }
            head.version = .http1_0
            let sized = head.headers.contains(name: "content-length")
            if !sized { head.headers.remove(name: "transfer-encoding") }
            if !sized || !request.keepAlive {
                head.headers.replaceOrAdd(name: "connection", value: "close")
                closeAfterAnswer = true
            } else {
                head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closeAfterAnswer:
            closeAfterAnswer = false
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
        default:
            context.write(data, promise: promise)
        }
    }
}
