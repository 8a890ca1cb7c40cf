import Glibc

/// What recovery found in the log: how much it read and replayed, and any torn tail it cut.
public struct WALRecoveryReport: Sendable, Equatable {
    /// A record cut short (or failing its checksum) at the very end of the log, removed.
    public struct TornTail: Sendable, Equatable {
        public var path: String
        public var offset: Int
        public var bytesCut: Int
        public var reason: String
    }

    public var segments = 0
    /// Data records found on disk, replayed or not.
    public var records = 0
    /// Records handed to the replay closure (those after the snapshot).
    public var replayed = 0
    /// The last sequence in the log (0 when it holds none).
    public var lastSequence: UInt64 = 0
    public var tornTail: TornTail?
}

extension WriteAheadLog {
    /// Opens the log in `directory` (created if missing), handing every record with a sequence
    /// greater than `replayAfter` (the sequence the loaded snapshot covers) to `replay`, in
    /// order. A torn tail is cut back to the last whole record and reported in `recovery`;
    /// damage anywhere else, a gap in the sequences, a missing segment, or a log that ends
    /// before `replayAfter` throws a `StorageError` naming what is wrong. New records continue
    /// from the last sequence on disk.
    public static func open(
        directory: String, options: Options = Options(), replayAfter: UInt64 = 0,
        replay: (UInt64, [UInt8]) throws -> Void
    ) throws -> WriteAheadLog {
        try FileIO.makeDirectory(directory)
        let firsts = try FileIO.listDirectory(directory).compactMap(WALFormat.firstSequence(ofSegmentNamed:)).sorted()
        var report = WALRecoveryReport()
        guard let start = firsts.first else {
            return try create(directory: directory, options: options, firstSequence: replayAfter + 1, report: report)
        }
        guard start <= replayAfter + 1 else {
            throw StorageError.missingRecords(
                "the log begins at sequence \(start) but the snapshot covers only through \(replayAfter); "
                    + "records \(replayAfter + 1)...\(start - 1) are gone (a deleted segment?)")
        }
        // Segments wholly covered by the snapshot are not read: they matter only if a damaged
        // snapshot sends recovery further back (then `replayAfter` is lower and they are read).
        var skipped = 0
        while skipped < firsts.count - 1 && firsts[skipped + 1] <= replayAfter + 1 { skipped += 1 }
        // First pass: check every other segment, chain and seal before anything is replayed.
        var scans: [WALSegmentScan] = []
        var expected = firsts[skipped]
        for first in firsts[skipped...] {
            let path = directory + "/" + WALFormat.segmentName(firstSequence: first)
            guard first == expected else {
                throw StorageError.missingRecords(
                    "segment '\(path)' starts at sequence \(first) but the previous one ends at \(expected - 1); "
                        + "records \(expected)...\(first - 1) are gone (a deleted segment?)")
            }
            let scan = WALSegmentScan(path: path, bytes: try FileIO.readFile(path), expectedFirst: first)
            if let damage = scan.damage, damage.wholeRecordFollows {
                throw StorageError.corruptLog(path: path, offset: damage.offset, reason: damage.reason)
            }
            report.records += scan.records.count
            expected = scan.nextSequence ?? first
            scans.append(scan.summary)
        }
        report.segments = firsts.count
        report.lastSequence = expected - 1
        try checkDamageAndSeals(scans, report: &report)
        guard report.lastSequence >= replayAfter else {
            throw StorageError.missingRecords(
                "the snapshot covers sequence \(replayAfter) but the log ends at \(report.lastSequence); "
                    + "the newest segment is gone")
        }
        // Second pass: replay (the files were just read, so this reads from the page cache).
        for scan in scans where scan.records.last.map({ $0.sequence > replayAfter }) == true {
            let bytes = try FileIO.readFile(scan.path)
            for record in scan.records where record.sequence > replayAfter {
                try replay(record.sequence, Array(bytes[record.payload]))
                report.replayed += 1
            }
        }
        // A crash mid-rotation leaves an unsealed segment followed by empty ones: drop those
        // and keep appending to the unsealed segment.
        var kept = scans
        while kept.count > 1 && kept[kept.count - 1].records.isEmpty && kept[kept.count - 2].sealedNext == nil {
            try FileIO.remove(kept.removeLast().path)
        }
        var firstsKept = Array(firsts.prefix(skipped + kept.count))
        let last = kept[kept.count - 1]
        if last.firstSequence == nil {
            try FileIO.remove(last.path)
            firstsKept.removeLast()
            return try create(directory: directory, options: options, firstSequence: expected, report: report, segments: firstsKept)
        }
        let fd = try FileIO.open(last.path, O_WRONLY | O_APPEND)
        let active = ActiveSegment(fd: fd, path: last.path, firstSequence: firstsKept[firstsKept.count - 1], size: last.validEnd)
        return WriteAheadLog(directory: directory, options: options, recovery: report, active: active, segments: firstsKept, nextSequence: expected)
    }

    /// Checks that damage is only a torn tail (which it cuts) and that the seals chain the
    /// segments (see `WALFormat`).
    private static func checkDamageAndSeals(_ scans: [WALSegmentScan], report: inout WALRecoveryReport) throws {
        for (position, scan) in scans.enumerated() {
            let onlyEmptyAfter = scans[(position + 1)...].allSatisfy { $0.records.isEmpty }
            if let damage = scan.damage {
                guard onlyEmptyAfter && !damage.wholeRecordFollows else {
                    throw StorageError.corruptLog(path: scan.path, offset: damage.offset, reason: damage.reason)
                }
                try cutTail(scan, at: damage, report: &report)
                continue
            }
            let isLast = position == scans.count - 1
            if isLast, let next = scan.sealedNext {
                throw StorageError.missingRecords(
                    "segment '\(scan.path)' is sealed, so a segment starting at sequence \(next) followed it; it is gone")
            }
            if !isLast && scan.sealedNext == nil && !onlyEmptyAfter {
                throw StorageError.corruptLog(
                    path: scan.path, offset: scan.validEnd, reason: "the segment is not sealed, yet later segments hold records")
            }
        }
    }

    private static func cutTail(_ scan: WALSegmentScan, at damage: WALSegmentScan.Damage, report: inout WALRecoveryReport) throws {
        report.tornTail = WALRecoveryReport.TornTail(
            path: scan.path, offset: damage.offset, bytesCut: scan.fileSize - scan.validEnd, reason: damage.reason)
        guard scan.firstSequence != nil else { return }
        let fd = try FileIO.open(scan.path, O_WRONLY)
        defer { Glibc.close(fd) }
        try FileIO.truncate(fd, to: scan.validEnd, path: scan.path)
        try FileIO.syncData(fd, path: scan.path)
    }

    private static func create(
        directory: String, options: Options, firstSequence: UInt64, report: WALRecoveryReport, segments: [UInt64] = []
    ) throws -> WriteAheadLog {
        let path = directory + "/" + WALFormat.segmentName(firstSequence: firstSequence)
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND)
        try FileIO.writeAll(fd, WALFormat.segmentHeader(firstSequence: firstSequence), path: path)
        try FileIO.syncData(fd, path: path)
        try FileIO.syncDirectory(directory)
        let active = ActiveSegment(fd: fd, path: path, firstSequence: firstSequence, size: WALFormat.segmentHeaderSize)
        return WriteAheadLog(
            directory: directory, options: options, recovery: report, active: active, segments: segments + [firstSequence],
            nextSequence: firstSequence)
    }
}
