import ArrwStorage
import Synchronization

/// Where the engine logs a change before applying it: the write-ahead log when the database
/// is durable, or a plain counter when it lives in memory (tests, `DATA_DIR`-less tools).
/// Either way each change gets the next sequence, which is also its event sequence.
///
/// Callers append under the lock that serializes the change, apply it, release the lock and
/// then `waitUntilDurable` before acknowledging: writers queue for one shared fsync (group
/// commit) without holding any lock. A change may so be visible to readers a moment before it
/// is durable, but it is acknowledged only once durable, and since the log is flushed in
/// sequence order, any acknowledged change implies every earlier one is on disk too.
///
/// A durable database attaches its log after recovery (replay applies records without
/// logging them again); until then, and forever in memory, sequences come from the counter.
/// Events go to `bus` once their change is durable, in sequence order: the log reports each
/// durable point and the journal publishes the changes up to it (in memory, at once, under
/// the counter's lock).
final class Journal: Sendable {
    let bus: EventBus
    private let attached = Mutex<WriteAheadLog?>(nil)
    private let counter = Mutex<UInt64>(0)
    /// Events of logged changes not yet durable, in sequence order.
    private let pending = Mutex<[ChangeEvent]>([])

    init(bus: EventBus = EventBus()) {
        self.bus = bus
    }

    /// From now on changes go to `log`, and their events follow its durability.
    func attach(_ log: WriteAheadLog) {
        bus.start(after: log.lastSequence)
        log.onDurable { [weak self] durable in self?.publish(through: durable) }
        attached.withLock { $0 = log }
    }

    var log: WriteAheadLog? { attached.withLock { $0 } }

    /// Logs `record` and returns its sequence; throws `storage_unavailable` once the log failed.
    func append(_ record: ChangeRecord) throws -> UInt64 {
        try append(contentsOf: [EncodedChange(record)]).lowerBound
    }

    /// Logs `changes` in order as consecutive sequences, written and synced together, and
    /// returns them; either all are logged or (throwing `storage_unavailable`) none.
    func append(contentsOf changes: [EncodedChange]) throws -> ClosedRange<UInt64> {
        precondition(!changes.isEmpty, "Journal.append(contentsOf:) needs at least one change")
        guard let log else {
            return counter.withLock { counter in
                let first = counter + 1
                for change in changes {
                    counter += 1
                    bus.publish(change.event(sequence: counter))
                }
                return first...counter
            }
        }
        do {
            var events: [ChangeEvent] = []
            events.reserveCapacity(changes.count)
            return try log.append(contentsOf: changes.map(\.payload)) { position, sequence in
                events.append(changes[position].event(sequence: sequence))
                if position == changes.count - 1 { pending.withLock { $0.append(contentsOf: events) } }
            }
        } catch {
            throw EngineError.storageUnavailable("\(error)")
        }
    }

    private func publish(through durable: UInt64) {
        let ready = pending.withLock { pending -> ArraySlice<ChangeEvent> in
            let count = pending.firstIndex { $0.sequence > durable } ?? pending.count
            let ready = pending[..<count]
            pending.removeFirst(count)
            return ready
        }
        for event in ready { bus.publish(event) }
    }

    /// Returns once `sequence` survives a crash (at once in memory).
    func waitUntilDurable(_ sequence: UInt64) async throws {
        guard let log else { return }
        do {
            try await log.waitUntilDurable(sequence)
        } catch {
            throw EngineError.storageUnavailable("\(error)")
        }
    }

    /// The sequence of the last change logged.
    var lastSequence: UInt64 {
        log?.lastSequence ?? counter.withLock { $0 }
    }
}

extension EngineError {
    public static func storageUnavailable(_ message: String) -> EngineError {
        EngineError(
            .storageUnavailable,
            message: "the change could not be made durable: \(message); nothing more is accepted until the server restarts")
    }
}

/// A change with its log record and its event (less the sequence), both made before the lock
/// that orders the change is taken, so that lock is held for the ordering alone.
struct EncodedChange: Sendable {
    let payload: [UInt8]
    private let unsequenced: ChangeEvent

    init(_ record: ChangeRecord) {
        payload = record.encode()
        unsequenced = record.event(sequence: 0)
    }

    /// The change's event, once the log gave it `sequence`.
    func event(sequence: UInt64) -> ChangeEvent {
        var event = unsequenced
        event.sequence = sequence
        return event
    }
}
