import Foundation
import Synchronization

/// Which events a subscriber wants: one library's (nil: every library's, and server-wide events
/// that belong to none) of some types (empty: every type). A library filter never matches a
/// server-wide event.
public struct EventFilter: Sendable {
    public var libraryId: UUID?
    public var kinds: Set<ChangeEvent.Kind>
    /// When set, only events of a library it accepts pass (a tenant's subscription: its own
    /// libraries); events of no library (server-wide state) never do.
    public var libraries: (@Sendable (UUID) -> Bool)?

    public init(libraryId: UUID? = nil, kinds: Set<ChangeEvent.Kind> = [], libraries: (@Sendable (UUID) -> Bool)? = nil) {
        self.libraryId = libraryId
        self.kinds = kinds
        self.libraries = libraries
    }

    /// Event types by name (empty names skipped), or a 400 naming the unknown one and listing
    /// the known; `field` is the request field they came from.
    public static func kinds(named names: [String], field: String) throws -> Set<ChangeEvent.Kind> {
        try Set(names.filter { !$0.isEmpty }.map { name in
            let kind = ChangeEvent.Kind(rawValue: name)
            guard ChangeEvent.Kind.known.contains(kind) else {
                let known = ChangeEvent.Kind.known.map(\.rawValue).joined(separator: ", ")
                throw EngineError.validation("unknown event type '\(name)'; known: \(known)", field: field)
            }
            return kind
        })
    }

    func matches(_ event: ChangeEvent) -> Bool {
        guard (libraryId == nil || libraryId == event.libraryId) && (kinds.isEmpty || kinds.contains(event.kind)) else { return false }
        guard let libraries else { return true }
        return event.libraryId.map(libraries) ?? false
    }
}

/// Why the server ended a subscription.
public enum SubscriptionEnd: Error, Sendable, CustomStringConvertible {
    /// The subscriber let `queueLimit` events pile up unread; it was dropped so that it cannot
    /// slow the server or anyone else. It may resume from the last sequence it received.
    case tooSlow(queueLimit: Int)

    public var description: String {
        switch self {
        case .tooSlow(let limit):
            "the subscriber fell \(limit) events behind and was disconnected; reconnect with the last sequence received to resume"
        }
    }
}

/// The event bus: publishes every change once it is durable, in sequence order, plus live
/// `search.performed` events, to any number of subscribers, each with a bounded queue.
///
/// Invariants: change events are published in strictly increasing sequence order; `recent`
/// holds the last `retention` (to 1.25 × `retention`) of them, ascending. A subscriber receives
/// each matching event at most once, in order; one whose queue is full is ended with
/// `SubscriptionEnd.tooSlow` rather than ever blocking `publish`.
public final class EventBus: Sendable {
    public static let defaultRetention = 65_536
    public let retention: Int
    private let state: Mutex<State>

    struct Subscriber {
        var filter: EventFilter
        var continuation: AsyncThrowingStream<ChangeEvent, any Error>.Continuation
        var queueLimit: Int
        var queued = 0
    }

    struct State {
        var recent: [ChangeEvent] = []
        var lastSequence: UInt64 = 0
        var subscribers: [Int: Subscriber] = [:]
        var nextId = 0
        var published = 0
        var delivered = 0
        var droppedSubscribers = 0
    }

    /// The `GET /v1/events/stats` counters.
    public struct Statistics: Sendable, Equatable {
        public var totalPublished: Int
        public var totalDelivered: Int
        public var activeSubscribers: Int
        /// Events queued for subscribers and not yet taken by them.
        public var queueSize: Int
        /// Subscribers dropped because they let their queue fill up unread.
        public var droppedSubscribers: Int = 0
    }

    public init(retention: Int = EventBus.defaultRetention) {
        precondition(retention >= 1, "retain at least one event")
        self.retention = retention
        state = Mutex(State())
    }

    public var statistics: Statistics {
        state.withLock { state in
            Statistics(
                totalPublished: state.published, totalDelivered: state.delivered, activeSubscribers: state.subscribers.count,
                queueSize: state.subscribers.values.reduce(0) { $0 + $1.queued }, droppedSubscribers: state.droppedSubscribers)
        }
    }

    /// Whether anyone is subscribed (so live-only events need not even be built).
    public var hasSubscribers: Bool { state.withLock { !$0.subscribers.isEmpty } }

    /// The sequence of the last change published.
    public var lastSequence: UInt64 { state.withLock { $0.lastSequence } }

    /// Starts the sequence after recovery: changes up to `sequence` happened before this bus.
    func start(after sequence: UInt64) {
        state.withLock { $0.lastSequence = max($0.lastSequence, sequence) }
    }

    /// Publishes `event` to every matching subscriber. Changes must arrive in sequence order;
    /// a search event takes the last change's sequence.
    func publish(_ event: ChangeEvent) {
        if !event.isChange && !hasSubscribers { return }
        let dropped = state.withLock { state -> [(AsyncThrowingStream<ChangeEvent, any Error>.Continuation, Int)] in
            var event = event
            if event.isChange {
                precondition(event.sequence > state.lastSequence, "change events out of order")
                state.lastSequence = event.sequence
                state.recent.append(event)
                if state.recent.count > retention + retention / 4 { state.recent.removeFirst(state.recent.count - retention) }
            } else {
                event.sequence = state.lastSequence
            }
            state.published += 1
            var dropped: [(AsyncThrowingStream<ChangeEvent, any Error>.Continuation, Int)] = []
            for (id, subscriber) in state.subscribers where subscriber.filter.matches(event) {
                switch subscriber.continuation.yield(event) {
                case .enqueued(let remaining):
                    state.delivered += 1
                    state.subscribers[id]?.queued = subscriber.queueLimit - remaining
                case .dropped:
                    dropped.append((subscriber.continuation, subscriber.queueLimit))
                    state.subscribers[id] = nil
                    state.droppedSubscribers += 1
                case .terminated:
                    state.subscribers[id] = nil
                @unknown default:
                    state.subscribers[id] = nil
                }
            }
            return dropped
        }
        for (continuation, limit) in dropped { continuation.finish(throwing: SubscriptionEnd.tooSlow(queueLimit: limit)) }
    }

    /// Subscribes to the events `filter` matches. With `since`, first the changes after that
    /// sequence (the retained ones from memory, older ones from `history`, which throws when
    /// they are no longer kept), then live events; none is missed or repeated. At most
    /// `queueLimit` live events wait unread before the subscription ends with `tooSlow`.
    func subscribe(
        filter: EventFilter, since: UInt64?, queueLimit: Int,
        history: (ClosedRange<UInt64>) throws -> [ChangeEvent]
    ) throws -> EventSubscription {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: ChangeEvent.self, bufferingPolicy: .bufferingOldest(queueLimit))
        let (id, recent, oldestKept, last) = state.withLock { state in
            let id = state.nextId
            state.nextId += 1
            state.subscribers[id] = Subscriber(filter: filter, continuation: continuation, queueLimit: queueLimit)
            let recent = since.map { since in state.recent.filter { $0.sequence > since } } ?? []
            return (id, recent, state.recent.first?.sequence ?? state.lastSequence + 1, state.lastSequence)
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        var backlog: [ChangeEvent] = []
        do {
            if let since {
                guard since <= last else {
                    throw EngineError.validation("'since' \(since) is after the last sequence \(last)", field: "since")
                }
                if since + 1 < oldestKept { backlog = try history((since + 1)...(oldestKept - 1)) }
            }
        } catch {
            continuation.finish()
            throw error
        }
        return EventSubscription(backlog: (backlog + recent).filter(filter.matches), live: stream) { continuation.finish() }
    }
}

/// One subscriber's events: the backlog after its resume point, then live events as they are
/// published. Iterations continue where the last one stopped (one at a time); `cancel()`
/// unsubscribes. A live stream ended by the server throws its `SubscriptionEnd`.
public final class EventSubscription: AsyncSequence, Sendable {
    public typealias Element = ChangeEvent
    private let backlog: Mutex<ArraySlice<ChangeEvent>>
    private let live: AsyncThrowingStream<ChangeEvent, any Error>
    private let onCancel: @Sendable () -> Void

    init(backlog: [ChangeEvent], live: AsyncThrowingStream<ChangeEvent, any Error>, onCancel: @escaping @Sendable () -> Void) {
        self.backlog = Mutex(backlog[...])
        self.live = live
        self.onCancel = onCancel
    }

    /// Ends the subscription; an iteration in progress finishes after what is queued.
    public func cancel() {
        onCancel()
    }

    fileprivate func nextFromBacklog() -> ChangeEvent? {
        backlog.withLock { $0.popFirst() }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: EventSubscription
        var live: AsyncThrowingStream<ChangeEvent, any Error>.AsyncIterator

        public mutating func next() async throws -> ChangeEvent? {
            if let event = subscription.nextFromBacklog() { return event }
            return try await live.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self, live: live.makeAsyncIterator())
    }
}
