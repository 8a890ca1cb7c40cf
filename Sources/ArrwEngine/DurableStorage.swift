import ArrwStorage
import Foundation
import Synchronization

/// A durable database's files: the data directory's lock (held while the database lives), its
/// snapshots and its write-ahead log. Layout of `DATA_DIR`:
///
/// | path | what |
/// | --- | --- |
/// | `LOCK` | `flock`ed by the running server, holds its pid |
/// | `wal/` | write-ahead log segments (`WALFormat`) |
/// | `snapshots/` | the newest two snapshots (`SnapshotStore`, payload in `Database+Snapshot.swift`) |
final class DurableStorage: Sendable {
    let directory: String
    let lock: DataDirectoryLock
    let snapshots: SnapshotStore
    let log: WriteAheadLog
    /// Held while a snapshot is written, so two never overlap.
    let snapshotInProgress = Mutex<Bool>(false)

    init(directory: String, lock: DataDirectoryLock, snapshots: SnapshotStore, log: WriteAheadLog) {
        self.directory = directory
        self.lock = lock
        self.snapshots = snapshots
        self.log = log
    }

    static func walDirectory(_ directory: String) -> String { directory + "/wal" }
    static func snapshotDirectory(_ directory: String) -> String { directory + "/snapshots" }
}

/// How the write-ahead log syncs: the engine's view of `WAL_SYNC_INTERVAL_SECONDS`.
public enum WALSyncPolicy: Sendable, Equatable {
    /// fsync before every acknowledgement (group commit shares it between concurrent writers).
    case always
    /// Acknowledge once written to the OS and fsync every so many seconds.
    case interval(Double)
}

/// What opening a durable database found and did, for the start-up log and `health/detailed`.
public struct RecoveryReport: Sendable {
    /// The snapshot loaded, if any, and the last sequence it covers.
    public var snapshotPath: String?
    public var snapshotSequence: UInt64 = 0
    /// Snapshots that could not be used (newer than the one loaded), with the reason.
    public var rejectedSnapshots: [String] = []
    /// Optional sections of the loaded snapshot that this build does not know and skipped.
    public var skippedSections: [String] = []
    public var snapshotLoadSeconds = 0.0
    public var walRecordsReplayed = 0
    public var walReplaySeconds = 0.0
    /// The torn tail cut from the log, described, if there was one.
    public var tornTail: String?
    public var lastSequence: UInt64 = 0
    public var libraries = 0
    public var documents = 0
}

/// The storage component's state, for `/health/detailed`.
public struct StorageStatus: Sendable {
    /// False for an in-memory database.
    public var durable: Bool
    public var dataDirectory: String?
    /// The sequence of the last change logged, and of the last one known durable.
    public var lastSequence: UInt64
    public var durableThrough: UInt64
    public var walSegments: Int
    public var walSyncs: Int
    /// Records appended to the log since it was opened, and seconds spent in its fsyncs.
    public var walRecords: Int = 0
    public var walSyncSeconds: Double = 0
    /// The newest snapshot on disk and the sequence it covers.
    public var snapshotPath: String?
    public var snapshotSequence: UInt64?
    /// Set once the log failed: writes are refused until restart.
    public var failure: String?
}

extension Database {
    public var storageStatus: StorageStatus {
        guard let storage else {
            let last = journal.lastSequence
            return StorageStatus(
                durable: false, dataDirectory: nil, lastSequence: last, durableThrough: last, walSegments: 0, walSyncs: 0)
        }
        let statistics = storage.log.statistics
        let newest = try? storage.snapshots.entries().first
        return StorageStatus(
            durable: true, dataDirectory: storage.directory, lastSequence: storage.log.lastSequence,
            durableThrough: statistics.durableThrough, walSegments: storage.log.segmentFirstSequences.count,
            walSyncs: statistics.syncs, walRecords: statistics.records, walSyncSeconds: statistics.syncSeconds,
            snapshotPath: newest?.path, snapshotSequence: newest?.sequence, failure: statistics.failure)
    }
}
