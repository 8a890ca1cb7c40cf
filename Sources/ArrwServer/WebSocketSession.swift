import ArrwEngine
import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// One WebSocket client of one library (SPEC.md, "WebSocket"). Requests
/// `{"request_id", "action", "data"}` are answered in order with
/// `{"request_id", "success", "data", "error"}` (`request_id` echoed as sent); after
/// `subscribe`, the library's events arrive as `{"type": "event", "event": {..}}`.
///
/// The original arrwDB's dialect is answered too (`WebSocketSession+Original.swift`): replies
/// carry `"type": "response"`, events `event_type` and `library_id`, and a connection whose first
/// request carries `"type": "request"` is subscribed to its library's events at once. Events
/// that arrive while a request is being answered are held until its reply is queued, so the
/// reply to an `add` always comes before that add's own event.
///
/// Every outgoing message goes through one bounded queue (`outboundLimit` messages and
/// `outboundByteLimit` bytes) drained by a writer task. A client that stops reading fills it;
/// the session then drops it: nothing more is sent or answered, a close frame with code 1008
/// and a reason follows what the client has not read yet, and the connection's output is shut
/// once that frame is written, so a client that reads late still learns why. One that will not
/// even take the close frame is cut off `closeGrace` after the drop. Nothing a client does can
/// block the server or other clients, and the memory it can hold is bounded by the queue.
final class WebSocketSession: Sendable {
    static let maxMessageBytes = 16 << 20
    /// How long a dropped client has to read up to its close frame before the connection is cut.
    static let closeGrace: Duration = .seconds(10)
    static let actions = ["search", "add", "delete", "get", "subscribe", "unsubscribe", "ping"]

    let database: Database
    let libraryId: String
    let channel: any Channel
    let outboundLimit: Int
    let outboundByteLimit: Int
    let eventQueueLimit: Int
    let logger: Logger
    let gauges: WebSocketGauges
    /// Whether the key the connection was opened with still works (a tenant's key): checked
    /// every `keyCheckInterval` and before each request; once false the client is dropped with
    /// 1008 and the reason. Nil: nothing to check.
    let keyStillValid: (@Sendable () -> Bool)?
    static let keyCheckInterval: Duration = .seconds(1)
    private let outbox: AsyncStream<String>
    private let outboxInput: AsyncStream<String>.Continuation
    private let state = Mutex<State>(State())

    struct State {
        var outbound: WebSocketOutboundWriter?
        var subscription: EventSubscription?
        var closing = false
        var queuedBytes = 0
        /// Sends the close frame of a dropped client, then shuts the connection's output.
        var closer: Task<Void, Never>?
        /// Whether the first request frame has been seen (it decides the original's dialect).
        var sawRequest = false
        /// A request is being answered: events wait in `held` until its reply is queued.
        var holding = false
        var held: [String] = []
    }

    init(
        database: Database, libraryId: String, channel: any Channel, outboundLimit: Int, outboundByteLimit: Int,
        eventQueueLimit: Int, logger: Logger, gauges: WebSocketGauges = WebSocketGauges(), keyStillValid: (@Sendable () -> Bool)? = nil
    ) {
        self.gauges = gauges
        self.keyStillValid = keyStillValid
        self.database = database
        self.libraryId = libraryId
        self.channel = channel
        self.outboundLimit = outboundLimit
        self.outboundByteLimit = outboundByteLimit
        self.eventQueueLimit = eventQueueLimit
        self.logger = logger
        (outbox, outboxInput) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(outboundLimit))
    }

    var isClosing: Bool { state.withLock { $0.closing } }

    /// Replaces the session's subscription (nil: none), returning the previous one.
    func replaceSubscription(with subscription: EventSubscription?) -> EventSubscription? {
        let previous = state.withLock { state in
            defer { state.subscription = subscription }
            return state.subscription
        }
        gauges.subscriptionChanged(library: libraryId, from: previous != nil, to: subscription != nil)
        return previous
    }

    /// Serves the connection until the client leaves or is dropped.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        state.withLock { $0.outbound = outbound }
        gauges.open.add(1, ordering: .relaxed)
        let writer = Task { [outbox] in
            for await text in outbox {
                guard !self.isClosing else { break }
                do { try await outbound.write(.text(text)) } catch { break }
                self.state.withLock { $0.queuedBytes -= text.utf8.count }
                self.gauges.queuedBytes.subtract(text.utf8.count, ordering: .relaxed)
            }
        }
        let keyWatch = keyStillValid.map { stillValid in
            Task {
                while !Task.isCancelled, !self.isClosing {
                    try? await Task.sleep(for: Self.keyCheckInterval)
                    if !stillValid() { self.drop(reason: Self.keyRevoked) }
                }
            }
        }
        defer {
            keyWatch?.cancel()
            replaceSubscription(with: nil)?.cancel()
            outboxInput.finish()
            gauges.open.subtract(1, ordering: .relaxed)
            gauges.queuedBytes.subtract(state.withLock { max(0, $0.queuedBytes) }, ordering: .relaxed)
        }
        do {
            for try await message in inbound.messages(maxSize: Self.maxMessageBytes) {
                guard !isClosing else { continue }
                switch message {
                case .text(let text):
                    if let keyStillValid, !keyStillValid() {
                        drop(reason: Self.keyRevoked)
                        continue
                    }
                    state.withLock { $0.holding = true }
                    send(await reply(to: text))
                    for event in state.withLock({ state in
                        state.holding = false
                        defer { state.held = [] }
                        return state.held
                    }) { send(event) }
                case .binary:
                    send(Self.reply(requestId: .null, data: nil, error: .validation("send requests as text frames holding JSON")))
                }
            }
        } catch where isClosing {}
        if let closer = state.withLock({ $0.closer }) {
            await closer.value
            return
        }
        outboxInput.finish()
        await writer.value
    }

    static let keyRevoked = "the connection's API key was revoked, rotated or has expired"

    /// Queues `text` for the client; a full queue drops the client.
    func send(_ text: String) {
        let queued = state.withLock { state in
            state.queuedBytes += text.utf8.count
            return state.queuedBytes
        }
        gauges.queuedBytes.add(text.utf8.count, ordering: .relaxed)
        if queued > outboundByteLimit {
            drop(reason: "the client is not reading: \(queued) bytes are waiting to be sent")
        } else if case .dropped = outboxInput.yield(text) {
            drop(reason: "the client is not reading: \(outboundLimit) messages are waiting to be sent")
        }
    }

    /// True for the connection's first request frame only.
    func takeFirstRequest() -> Bool {
        state.withLock { state in
            defer { state.sawRequest = true }
            return !state.sawRequest
        }
    }

    /// Queues an event message, or holds it while a request is being answered.
    func sendEvent(_ text: String) {
        let heldCount = state.withLock { state -> Int? in
            guard state.holding else { return nil }
            state.held.append(text)
            return state.held.count
        }
        guard let heldCount else { return send(text) }
        if heldCount > outboundLimit { drop(reason: "the client is not reading: \(heldCount) events are waiting to be sent") }
    }

    /// Drops the client: a close frame with 1008 and `reason` after what it has not read yet,
    /// then the output shut; the connection is cut `closeGrace` later whatever happened. Until
    /// the connection ends, the client's messages are read and ignored, so its sends never block.
    func drop(reason: String) {
        let channel = channel
        let dropped = state.withLock { state -> Bool in
            guard !state.closing, let outbound = state.outbound else { return false }
            state.closing = true
            state.closer = Task {
                try? await outbound.close(.policyViolation, reason: reason)
                channel.close(mode: .output, promise: nil)
            }
            return true
        }
        guard dropped else { return }
        gauges.dropped.add(1, ordering: .relaxed)
        logger.warning("closing a WebSocket client", metadata: ["library_id": "\(libraryId)", "reason": "\(reason)"])
        outboxInput.finish()
        state.withLock { $0.subscription }?.cancel()
        Task {
            try? await Task.sleep(for: Self.closeGrace)
            channel.close(promise: nil)
        }
    }

    /// The reply to one request, success or error, as JSON text.
    func reply(to text: String) async -> String {
        var requestId: JSONValue = .null
        do {
            let request: JSONValue
            do {
                request = try JSONValue.parse(Array(text.utf8))
            } catch let error as JSONSyntaxError {
                throw MalformedFrame(error: EngineError(ServerErrorCode.invalidJSON, message: "the message is not valid JSON: \(error)"))
            }
            guard let object = request.object else { throw MalformedFrame(error: .validation("a request must be a JSON object")) }
            requestId = object["request_id"] ?? .null
            try adoptOriginalDialect(object)
            guard let action = object["action"]?.string else {
                throw EngineError.validation(
                    "'action' is required: one of \(Self.actions.joined(separator: ", "))", field: "action")
            }
            let data = try await perform(action, data: object["data"] ?? .object([:]))
            return Self.reply(requestId: requestId, data: data, error: nil)
        } catch let failure as MalformedFrame {
            return Self.reply(requestId: requestId, data: nil, error: failure.error, malformed: true)
        } catch {
            let failure = error as? EngineError
                ?? EngineError(ServerErrorCode.internalError, message: "\(error)")
            return Self.reply(requestId: requestId, data: nil, error: failure)
        }
    }

    /// `{"type": "response", "request_id", "success", "data", "error"}`; for a frame that is not a
    /// request at all (`malformed`) `type` is `error` and `details` repeats what was wrong, as the
    /// original arrwDB answered.
    static func reply(requestId: JSONValue, data: JSONValue?, error: EngineError?, malformed: Bool = false) -> String {
        var message: [String: JSONValue] = [
            "type": .string(malformed ? "error" : "response"),
            "request_id": requestId, "success": .bool(error == nil), "data": data ?? .null,
            "error": error.map(APIResponse.error) ?? .null,
        ]
        if malformed, let error { message["details"] = error.details.map(JSONValue.object) ?? .string(error.message) }
        return APIResponse.text(.object(message))
    }
}

/// A frame that is no request at all (not JSON, not an object).
struct MalformedFrame: Error {
    let error: EngineError
}

/// Figures across every WebSocket session, which `/metrics` and `/v1/websockets/stats` read:
/// sessions open, bytes queued for clients and not yet sent, clients dropped for not reading,
/// and the sessions subscribed to events, by library.
final class WebSocketGauges: Sendable {
    let open = Atomic<Int>(0)
    let queuedBytes = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let subscribedByLibrary = Mutex<[String: Int]>([:])

    /// Notes a session of `library` starting or ending a subscription.
    func subscriptionChanged(library: String, from wasSubscribed: Bool, to isSubscribed: Bool) {
        guard wasSubscribed != isSubscribed else { return }
        subscribedByLibrary.withLock { counts in
            let count = counts[library, default: 0] + (isSubscribed ? 1 : -1)
            counts[library] = count > 0 ? count : nil
        }
    }
}
