import ArrwIndex
import ArrwStorage
import Foundation
import Synchronization

/// The snapshot payload (inside `SnapshotStore`'s envelope, which adds magic, version, the
/// covered sequence, length and CRC-32C), version 2: a list of tagged, length-prefixed sections,
/// each with its own version, so a section can change (or a new one appear) without the rest.
///
/// | field | encoding |
/// | --- | --- |
/// | payload version | UInt8 (2; version 1 is still read, `SnapshotPayload.swift`) |
/// | section count | UInt32 |
/// | sections | each: name (String), flags UInt8 (bit 0: required), section version UInt16, body length UInt64, body |
///
/// Sections, in this order:
///
/// | name | version | required | body |
/// | --- | --- | --- | --- |
/// | `catalog` | 1 | yes | UInt32: the number of `library` sections that follow |
/// | `library` | 2 (1 still read) | yes | one library, as in `LibraryStore+Snapshot.swift` |
/// | `server.<component>` | the component's | the component's | UInt64 applied-through sequence, then `ServerStateComponent.encodeSection` |
///
/// A reader skips an optional section it does not know (reported in `RecoveryReport`) and
/// refuses to start on a required one it does not know, or on a known section of a version it
/// cannot read, naming it; it never falls back to an older snapshot for that, since the older
/// one would lose the same state.
///
/// Consistency without stopping writes: the covered sequence S and the set of libraries are
/// read together under the catalog lock (creations and deletions log under it), then each
/// library is encoded under its own read lock with the sequence it has applied through, and
/// each server component under its own lock likewise. On recovery every record after S is
/// replayed unless its library's (or component's) section already holds it; a library deleted
/// after S is kept as a tombstone so its earlier records are skipped.
extension Database {
    static let snapshotVersion: UInt8 = 2

    /// What one snapshot wrote.
    public struct SnapshotSummary: Sendable {
        public var path: String
        public var sequence: UInt64
        public var libraries: Int
        public var bytes: Int
        public var seconds: Double
        /// WAL segments dropped because the kept snapshots cover them.
        public var segmentsRemoved: Int
    }

    /// Writes a snapshot once any snapshot in progress (which may have encoded a library before
    /// an index swap) has finished. An index build is not logged (its change is), so this is
    /// what makes a completed build survive a restart instead of being built again (a failure
    /// here loses nothing: the restart builds it again). Does nothing in memory.
    public func writeSnapshotAfterIndexSwap() async throws {
        guard storage != nil else { return }
        while try writeSnapshot() == nil { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// Writes a snapshot of everything (indexes included) and drops the WAL segments that the
    /// oldest kept snapshot covers. Returns nil in memory or when a snapshot is already being
    /// written. Writers to a library wait while that library is encoded; searches do not.
    @discardableResult
    public func writeSnapshot() throws -> SnapshotSummary? {
        guard let storage else { return nil }
        let claimed = storage.snapshotInProgress.withLock { busy in
            defer { busy = true }
            return !busy
        }
        guard claimed else { return nil }
        defer { storage.snapshotInProgress.withLock { $0 = false } }
        // No index batch between its phases while tails and indexes are encoded.
        indexBuilder.pause()
        defer { indexBuilder.resume() }
        let start = Date()
        let (sequence, stores) = catalog.withLock { catalog in
            (journal.lastSequence, catalog.libraries.values.sorted { $0.id.uuidString < $1.id.uuidString })
        }
        var bytes = 0
        let components = serverState.values.sorted { $0.component.name < $1.component.name }
        let entry = try storage.snapshots.write(sequence: sequence) { writer in
            var header = ByteWriter()
            header.write(Self.snapshotVersion)
            header.write(UInt32(1 + stores.count + components.count))
            try writer.append(header.bytes)
            var catalogBody = ByteWriter()
            catalogBody.write(UInt32(stores.count))
            try writer.append(SnapshotSection.catalog.framing(bodyLength: catalogBody.bytes.count) + catalogBody.bytes)
            for store in stores {
                let body = try store.encodeSnapshotSection()
                bytes += body.count
                try writer.append(SnapshotSection.library.framing(bodyLength: body.count))
                try writer.append(body)
            }
            for slot in components {
                let body = try slot.encodeSnapshotSection()
                try writer.append(SnapshotSection.server(slot.component).framing(bodyLength: body.count))
                try writer.append(body)
            }
            // Everything captured must be in the log on disk before the snapshot counts,
            // or a restart would hand out its sequences again.
            try storage.log.sync()
        }
        try storage.log.rotate()
        // Keep the log back to the oldest kept snapshot, so a damaged newer one can fall back
        // to it; until `keep` snapshots exist, keep the whole log. Keep it also after the
        // lowest position a reader registered with `retainLog` still needs.
        var removed = 0
        let kept = try storage.snapshots.entries()
        if kept.count >= storage.snapshots.keep, let oldest = kept.last {
            let floor = logFloors.withLock { floors in floors.compactMap { $0() }.min() } ?? .max
            removed = try storage.log.removeSegments(coveredThrough: min(oldest.sequence, floor))
        }
        let summary = SnapshotSummary(
            path: entry.path, sequence: sequence, libraries: stores.count, bytes: bytes,
            seconds: Date().timeIntervalSince(start), segmentsRemoved: removed)
        observers.current?.snapshotWritten(bytes: summary.bytes, seconds: summary.seconds)
        return summary
    }
}

extension Database {
    /// Registers a reader of the change events that must be able to resume from the log:
    /// while `position` returns a sequence, snapshots keep the log's records after it (a
    /// webhook whose receiver is down keeps what it has not delivered yet). Nil: no need.
    public func retainLog(after position: @escaping @Sendable () -> UInt64?) {
        logFloors.withLock { $0.append(position) }
    }
}
