import ArrwStorage
import Foundation

extension Database {
    /// The event bus every durable change is published on (`GET /v1/events`, WebSocket `subscribe`).
    public var events: EventBus { journal.bus }

    /// Subscribes to the events `filter` matches, resuming after `since` when given (see
    /// `EventBus.subscribe`). Changes older than the bus keeps in memory come from the WAL
    /// still on disk, so a subscriber can resume across a restart; a resume point older than
    /// the log reaches back is `resume_point_expired` (410). `queueLimit` live events may wait
    /// unread before the subscriber is dropped as too slow.
    public func subscribe(filter: EventFilter, since: UInt64?, queueLimit: Int = 4096) throws -> EventSubscription {
        try events.subscribe(filter: filter, since: since, queueLimit: queueLimit) { range in try changeHistory(range) }
    }

    /// The change events with sequences in `range`, read back from the write-ahead log.
    func changeHistory(_ range: ClosedRange<UInt64>) throws -> [ChangeEvent] {
        guard let storage, let oldest = storage.log.segmentFirstSequences.first, oldest <= range.lowerBound else {
            throw EngineError.resumePointExpired(range.lowerBound - 1, oldestKept: storage?.log.segmentFirstSequences.first)
        }
        var events: [ChangeEvent] = []
        var failure: (any Error)?
        _ = try WALInspector.inspect(directory: DurableStorage.walDirectory(storage.directory), from: range.lowerBound) { sequence, payload in
            guard range.contains(sequence), failure == nil else { return }
            do {
                events.append(try ChangeRecord.decode(payload).event(sequence: sequence))
            } catch {
                failure = error
            }
        }
        if let failure { throw EngineError.recoveryFailed("the WAL cannot be read back for events: \(failure)") }
        guard events.count == range.count else {
            throw EngineError.resumePointExpired(range.lowerBound - 1, oldestKept: events.first?.sequence)
        }
        return events
    }
}

extension EngineError {
    static func resumePointExpired(_ since: UInt64, oldestKept: UInt64?) -> EngineError {
        EngineError(
            .resumePointExpired,
            message: "events after sequence \(since) are no longer kept"
                + (oldestKept.map { "; the oldest kept is \($0), so resume from \($0 - 1) or later, or start fresh" } ?? "; start fresh"),
            details: ["since": .int(Int64(since))])
    }
}
