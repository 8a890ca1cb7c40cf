import Glibc

/// A read-only look at a log directory, for `arrwdb inspect-wal`: every segment with its
/// records and any damage, found as recovery would find it, without changing a byte.
public enum WALInspector {
    /// One segment file as found on disk.
    public struct Segment: Sendable, Equatable {
        public var path: String
        public var firstSequence: UInt64
        public var records: Int
        public var sealed: Bool
        public var bytes: Int
        /// The first damage found, with its offset; nil when every byte is a whole record.
        public var damage: String?
        /// Whether the damage is a torn tail (nothing whole after it), which recovery cuts.
        public var damageIsTornTail: Bool
    }

    /// The segments of `directory` in order; `visit` sees each whole data record. Segments
    /// that end before sequence `from` are skipped unread, and so are segments a live server
    /// removed (a snapshot covered them) between the listing and the reading. When the last
    /// segment read turns out sealed, a live server has just rotated: the folder is listed again
    /// for the segments created since, so only a segment that is really gone is reported missing.
    public static func inspect(
        directory: String, from: UInt64 = 0, visit: (UInt64, [UInt8]) -> Void = { _, _ in }
    ) throws -> [Segment] {
        var firsts = try segmentFirsts(directory)
        while firsts.count > 1 && firsts[1] <= from { firsts.removeFirst() }
        var segments: [Segment] = []
        while !firsts.isEmpty {
            for first in firsts {
                if let segment = try scan(directory: directory, first: first, visit: visit) { segments.append(segment) }
            }
            guard let last = segments.last, last.sealed else { break }
            firsts = try segmentFirsts(directory).filter { $0 > last.firstSequence }
        }
        return segments
    }

    private static func segmentFirsts(_ directory: String) throws -> [UInt64] {
        try FileIO.listDirectory(directory).compactMap(WALFormat.firstSequence(ofSegmentNamed:)).sorted()
    }

    /// One segment read and checked, or nil when it no longer exists.
    private static func scan(directory: String, first: UInt64, visit: (UInt64, [UInt8]) -> Void) throws -> Segment? {
        let path = directory + "/" + WALFormat.segmentName(firstSequence: first)
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readFile(path)
        } catch where access(path, F_OK) != 0 {
            return nil
        }
        let scan = WALSegmentScan(path: path, bytes: bytes, expectedFirst: first)
        for record in scan.records { visit(record.sequence, Array(scan.bytes[record.payload])) }
        return Segment(
            path: path, firstSequence: first, records: scan.records.count, sealed: scan.sealedNext != nil,
            bytes: scan.fileSize, damage: scan.damage.map { "at byte \($0.offset): \($0.reason)" },
            damageIsTornTail: scan.damage.map { !$0.wholeRecordFollows } ?? false)
    }
}
