import ArrwIndex
import ArrwStorage
import Foundation
import Synchronization

/// The snapshot payload (inside `SnapshotStore`'s envelope, which adds magic, version, the
/// covered sequence, length and CRC-32C):
///
/// | field | encoding |
/// | --- | --- |
/// | payload version | UInt8 (1) |
/// | library count | UInt32 |
/// | libraries | that many sections, `LibraryStore+Snapshot.swift` |
///
/// Consistency without stopping writes: the covered sequence S and the set of libraries are
/// read together under the catalog lock (creations and deletions log under it), then each
/// library is encoded under its own read lock with the sequence it has applied through. On
/// recovery every record after S is replayed unless its library's section already holds it;
/// a library deleted after S is kept as a tombstone so its earlier records are skipped.
extension Database {
    static let snapshotVersion: UInt8 = 1

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
        let start = Date()
        let (sequence, stores) = catalog.withLock { catalog in
            (journal.lastSequence, catalog.libraries.values.sorted { $0.id.uuidString < $1.id.uuidString })
        }
        var bytes = 0
        let entry = try storage.snapshots.write(sequence: sequence) { writer in
            var header = ByteWriter()
            header.write(Self.snapshotVersion)
            header.write(UInt32(stores.count))
            try writer.append(header.bytes)
            for store in stores {
                let section = try store.encodeSnapshotSection()
                bytes += section.count
                try writer.append(section)
            }
            // Everything captured must be in the log on disk before the snapshot counts,
            // or a restart would hand out its sequences again.
            try storage.log.sync()
        }
        try storage.log.rotate()
        // Keep the log back to the oldest kept snapshot, so a damaged newer one can fall back
        // to it; until `keep` snapshots exist, keep the whole log.
        var removed = 0
        let kept = try storage.snapshots.entries()
        if kept.count >= storage.snapshots.keep, let oldest = kept.last {
            removed = try storage.log.removeSegments(coveredThrough: oldest.sequence)
        }
        return SnapshotSummary(
            path: entry.path, sequence: sequence, libraries: stores.count, bytes: bytes,
            seconds: Date().timeIntervalSince(start), segmentsRemoved: removed)
    }

    /// Reads a snapshot payload back into a catalog, with the tombstones and rebuilds replay needs.
    static func decodeSnapshot(_ contents: SnapshotStore.Contents, journal: Journal) throws -> (Catalog, ReplayContext) {
        var reader = ByteReader(contents.bytes, offset: contents.payload.lowerBound, end: contents.payload.upperBound)
        let version = try reader.read(UInt8.self)
        guard version == snapshotVersion else { throw IndexFormatError.corrupt("unknown snapshot payload version \(version)") }
        let count = Int(try reader.read(UInt32.self))
        var catalog = Catalog()
        var context = ReplayContext()
        for _ in 0..<count {
            switch try LibraryStore.decodeSnapshotSection(&reader, journal: journal) {
            case .deleted(let id, let appliedThrough):
                context.deleted[id] = appliedThrough
            case .live(let store, let target):
                guard catalog.libraries[store.id] == nil, catalog.idsByName[store.settings.name] == nil else {
                    throw IndexFormatError.corrupt("library \(store.id) appears twice")
                }
                catalog.libraries[store.id] = store
                catalog.idsByName[store.settings.name] = store.id
                if let target, let start = store.lock.withWriteLock({
                    store.applyChangeIndexLocked(target, at: store.settings.updatedAt, sequence: store.appliedThrough)
                }) {
                    context.rebuilds.append((store, start))
                }
            }
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after the last library") }
        return (catalog, context)
    }
}
