import ArrwEmbedding
import ArrwIndex
import ArrwStorage
import Foundation
import Synchronization

extension Database {
    /// Opens the durable database in `directory` (created when missing): takes the lock file,
    /// loads the newest snapshot that reads back whole (indexes included, nothing rebuilt),
    /// replays the write-ahead log after it, and from then on logs every change there.
    ///
    /// A damaged newer snapshot is skipped for an older one (reported) as long as the log still
    /// reaches back to it; a torn log tail is cut and reported; anything else that would lose
    /// acknowledged data (damage mid-log, a missing segment) throws a `StorageError` or
    /// `EngineError` that says what is wrong, and nothing is served.
    public static func open(
        directory: String, embedders: EmbeddingProviders, limits: EngineLimits = EngineLimits(),
        syncPolicy: WALSyncPolicy = .always, segmentBytes: Int = 64 << 20, eventRetention: Int = EventBus.defaultRetention,
        components: [any ServerStateComponent] = []
    ) throws -> (Database, RecoveryReport) {
        let lock = try DataDirectoryLock(directory: directory)
        let snapshots = try SnapshotStore(directory: DurableStorage.snapshotDirectory(directory))
        let journal = Journal(bus: EventBus(retention: eventRetention))
        let serverState = slots(components)
        var report = RecoveryReport()
        var snapshot = DecodedSnapshot()

        let loadStart = Date()
        for entry in try snapshots.entries() {
            do {
                let contents = try SnapshotStore.read(entry.path)
                snapshot = try decodeSnapshot(contents, journal: journal, serverState: serverState)
                report.snapshotPath = entry.path
                report.snapshotSequence = contents.sequence
                report.skippedSections = snapshot.skippedSections
                break
            } catch let error as SnapshotIncompatibility {
                throw EngineError.recoveryFailed("\(entry.path): \(error)")
            } catch {
                report.rejectedSnapshots.append("\(entry.path): \(error)")
            }
        }
        report.snapshotLoadSeconds = Date().timeIntervalSince(loadStart)

        var replay = snapshot.replay
        let database = Database(embedders: embedders, limits: limits, catalog: snapshot.catalog, journal: journal, serverState: serverState)
        let replayStart = Date()
        let mode: WriteAheadLog.SyncMode = switch syncPolicy {
        case .always: .always
        case .interval(let seconds): .interval(seconds)
        }
        let log: WriteAheadLog
        do {
            log = try WriteAheadLog.open(
                directory: DurableStorage.walDirectory(directory), options: .init(syncMode: mode, segmentBytes: segmentBytes),
                replayAfter: report.snapshotSequence
            ) { sequence, payload in
                let record: ChangeRecord
                do {
                    record = try ChangeRecord.decode(payload)
                } catch {
                    throw EngineError.recoveryFailed("WAL record \(sequence) cannot be decoded: \(error)")
                }
                try database.replay(record, sequence: sequence, context: &replay)
            }
        } catch let error where !report.rejectedSnapshots.isEmpty {
            throw EngineError.recoveryFailed(
                "\(error); the newer snapshots could not be used: \(report.rejectedSnapshots.joined(separator: "; "))")
        }
        database.attach(DurableStorage(directory: directory, lock: lock, snapshots: snapshots, log: log))
        database.startIndexBuilder()
        report.walReplaySeconds = Date().timeIntervalSince(replayStart)
        report.walRecordsReplayed = log.recovery.replayed
        report.lastSequence = log.lastSequence
        report.tornTail = log.recovery.tornTail.map {
            "cut \($0.bytesCut) bytes at offset \($0.offset) of \($0.path): \($0.reason)"
        }
        let stores = database.catalog.withLock { Array($0.libraries.values) }
        report.libraries = stores.count
        report.documents = stores.reduce(0) { total, store in total + store.lock.withReadLock { store.documents.count } }
        return (database, report)
    }

    /// `open` with one embedding provider, named `default`.
    public static func open(
        directory: String, embedder: any EmbeddingProvider, limits: EngineLimits = EngineLimits(),
        syncPolicy: WALSyncPolicy = .always, segmentBytes: Int = 64 << 20, eventRetention: Int = EventBus.defaultRetention,
        components: [any ServerStateComponent] = []
    ) throws -> (Database, RecoveryReport) {
        try open(
            directory: directory, embedders: EmbeddingProviders(only: embedder), limits: limits, syncPolicy: syncPolicy,
            segmentBytes: segmentBytes, eventRetention: eventRetention, components: components)
    }

    /// Flushes the log, closes it (later writes fail with `storage_unavailable`) and releases
    /// the data directory. Call `writeSnapshot` first for a fast next start.
    public func close() throws {
        indexBuilder.stop()
        guard let storage else { return }
        defer { storage.lock.release() }
        try storage.log.close()
    }
}

/// What replay needs to know beyond the catalog: libraries deleted after the snapshot's
/// sequence (whose records up to their deletion are skipped).
struct ReplayContext {
    var deleted: [UUID: UInt64] = [:]
}

extension Database {
    /// Applies one logged change during recovery, unless the snapshot already holds it (its
    /// library's, or server component's, `appliedThrough` is at or past `sequence`). A pending index build stays pending
    /// for its `index_rebuild` job. A record for a library that does not exist means the log and the
    /// snapshot disagree: recovery stops.
    func replay(_ record: ChangeRecord, sequence: UInt64, context: inout ReplayContext) throws {
        guard let libraryId = record.libraryId else {
            if case .serverState(let change) = record { try replayServerChange(change, sequence: sequence) }
            return
        }
        if let deletedThrough = context.deleted[libraryId], sequence <= deletedThrough { return }
        if case .createLibrary(let info) = record {
            try catalog.withLock { catalog in
                guard catalog.libraries[info.id] == nil, catalog.idsByName[LibraryName(info)] == nil else {
                    throw EngineError.recoveryFailed("WAL record \(sequence) creates library \(info.id) '\(info.name)', which exists")
                }
                applyCreate(info, sequence: sequence, to: &catalog)
            }
            return
        }
        guard let store = catalog.withLock({ $0.libraries[libraryId] }) else {
            throw EngineError.recoveryFailed("WAL record \(sequence) (\(record.summary)) refers to a library that does not exist")
        }
        try store.lock.withWriteLock {
            guard sequence > store.appliedThrough else { return }
            switch record {
            case .createLibrary, .serverState: return
            case .updateLibrary(_, let description, let metadata, let updatedAt):
                store.applyUpdateLocked(description: description, metadata: metadata, at: updatedAt, sequence: sequence)
            case .changeIndex(_, let target, let at):
                store.applyChangeIndexLocked(target, at: at, sequence: sequence)
            case .deleteLibrary:
                store.isDeleted = true
                store.appliedThrough = sequence
            case .putDocument(_, let document):
                if let dimension = store.settings.dimension, document.chunks.contains(where: { $0.vector.count != dimension }) {
                    throw EngineError.recoveryFailed("WAL record \(sequence) holds vectors that are not \(dimension)-dimensional")
                }
                store.applyPutLocked(document, sequence: sequence)
            case .deleteDocument(_, let documentId, _):
                store.applyRemoveLocked(documentId, sequence: sequence)
            case .replaceVectors(_, let replacements, let at):
                store.applyReplaceVectorsLocked(replacements, at: at, sequence: sequence)
            case .moveEmbeddings(_, let binding, let replacements, let at):
                try store.applyMoveEmbeddingsLocked(binding, replacements, at: at, sequence: sequence)
            }
        }
        if case .deleteLibrary = record { applyDelete(store) }
    }
}

extension EngineError {
    static func recoveryFailed(_ message: String) -> EngineError {
        EngineError(.recoveryFailed, message: "recovery failed: \(message)")
    }
}
