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
        guard let log else {
            return counter.withLock { counter in
                counter += 1
                bus.publish(record.event(sequence: counter))
                return counter
            }
        }
        do {
            return try log.append(record.encode()) { sequence in
                let event = record.event(sequence: sequence)
                pending.withLock { $0.append(event) }
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
