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
final class Journal: Sendable {
    private let attached = Mutex<WriteAheadLog?>(nil)
    private let counter = Mutex<UInt64>(0)

    init() {}

    /// From now on changes go to `log`.
    func attach(_ log: WriteAheadLog) {
        attached.withLock { $0 = log }
    }

    var log: WriteAheadLog? { attached.withLock { $0 } }

    /// Logs `record` and returns its sequence; throws `storage_unavailable` once the log failed.
    func append(_ record: ChangeRecord) throws -> UInt64 {
        guard let log else { return counter.withLock { $0 += 1; return $0 } }
        do {
            return try log.append(record.encode())
        } catch {
            throw EngineError.storageUnavailable("\(error)")
        }
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
            kind: .unavailable, code: "storage_unavailable",
            message: "the change could not be made durable: \(message); nothing more is accepted until the server restarts")
    }
}
