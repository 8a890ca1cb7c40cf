import ArrwIndex
import ArrwStorage
import Foundation

/// Read-only reports on a data directory for the operator tools `arrwdb inspect-wal` and
/// `arrwdb verify-snapshot`. Neither takes the lock nor changes a file, so both may run next to
/// a live server (which may be appending as they read).
public enum StorageInspection {
    /// A report as printable lines, and whether everything checked out.
    public struct Report: Sendable {
        public var lines: [String] = []
        public var healthy = true
    }

    /// Describes the WAL in `dataDirectory/wal`: each segment (first sequence, records, seal,
    /// damage) and, with `listRecords`, each record decoded (sequence, size, change).
    public static func inspectWAL(dataDirectory: String, listRecords: Bool) throws -> Report {
        var report = Report()
        let directory = dataDirectory + "/wal"
        var lines: [String] = []
        var undecodable = 0
        let segments = try WALInspector.inspect(directory: directory) { sequence, payload in
            let change = (try? ChangeRecord.decode(payload))?.summary
            if change == nil { undecodable += 1 }
            if listRecords { lines.append("  \(sequence)\t\(payload.count) B\t\(change ?? "UNDECODABLE change record")") }
        }
        report.lines.append("write-ahead log \(directory): \(segments.count) segment(s)")
        var expected = segments.first?.firstSequence
        for segment in segments {
            var line = "segment \(segment.path): sequences \(segment.firstSequence)..."
            line += segment.records > 0 ? "\(segment.firstSequence + UInt64(segment.records) - 1)" : "(none)"
            line += ", \(segment.records) record(s), \(segment.bytes) bytes, \(segment.sealed ? "sealed" : "open")"
            report.lines.append(line)
            if let start = expected, segment.firstSequence != start {
                report.lines.append("  GAP: records \(start)...\(segment.firstSequence - 1) are missing")
                report.healthy = false
            }
            if let damage = segment.damage {
                let verdict = segment.damageIsTornTail && segment.path == segments.last?.path
                    ? "torn tail (recovery cuts it)" : "DAMAGE (recovery refuses to start)"
                report.lines.append("  \(verdict) \(damage)")
                if !verdict.hasPrefix("torn") { report.healthy = false }
            }
            expected = segment.firstSequence + UInt64(segment.records)
        }
        if let last = segments.last, last.sealed {
            report.lines.append("  MISSING: the newest segment is sealed, so the one after it is gone")
            report.healthy = false
        }
        if undecodable > 0 {
            report.lines.append("\(undecodable) record(s) cannot be decoded as change records")
            report.healthy = false
        }
        report.lines += lines
        return report
    }

    /// Reads `path` (a snapshot file, or a data directory for all of its snapshots) the way
    /// recovery would: checksum, then a full decode of catalog, chunks and indexes, and of the
    /// server-wide sections of `components`. Creates, changes and removes nothing.
    public static func verifySnapshots(path: String, components: [any ServerStateComponent] = []) throws -> Report {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError.validation("'\(path)' does not exist")
        }
        let files = isDirectory.boolValue
            ? try SnapshotStore.entries(in: DurableStorage.snapshotDirectory(path)).map(\.path) : [path]
        var report = Report()
        if files.isEmpty { report.lines.append("no snapshots in \(path)/snapshots") }
        for file in files {
            do {
                let start = Date()
                let contents = try SnapshotStore.read(file)
                let decoded = try Database.decodeSnapshot(contents, journal: Journal(), serverState: Database.slots(components))
                report.lines.append(String(
                    format: "%@: OK, covers sequence %llu, %d bytes, %d library(ies), %d deleted after it, decoded in %.2f s",
                    file, contents.sequence, contents.payload.count, decoded.catalog.libraries.count, decoded.replay.deleted.count,
                    Date().timeIntervalSince(start)))
                for section in decoded.skippedSections { report.lines.append("  skipped optional section \(section)") }
                for store in decoded.catalog.libraries.values.sorted(by: { $0.settings.name < $1.settings.name }) {
                    let info = store.infoLocked()
                    report.lines.append(
                        "  \(info.id.uuidString.lowercased()) '\(info.name)': \(info.documentCount) documents, \(info.chunkCount) chunks, "
                            + "\(info.indexType.rawValue) index of \(store.index?.count ?? 0) vectors (\(store.tail?.count ?? 0) more not yet indexed), dimension \(info.dimension.map(String.init) ?? "unset"), "
                            + "through sequence \(store.appliedThrough)")
                }
            } catch where !FileManager.default.fileExists(atPath: file) {
                report.lines.append("\(file): removed while being read (a live server keeps only its newest snapshots)")
            } catch {
                report.lines.append("\(file): BAD: \(error)")
                report.healthy = false
            }
        }
        return report
    }
}
