/// One segment file read and checked record by record (see `WALFormat`). Scanning never traps:
/// damage is described in `damage`, with whether a whole record follows it (which tells a
/// torn tail from damage in the middle).
struct WALSegmentScan {
    /// A data record: its sequence and where its payload lies in `bytes`.
    struct Record {
        var sequence: UInt64
        var payload: Range<Int>
    }

    /// The first thing in the file that is not a whole, valid record.
    struct Damage {
        var offset: Int
        var reason: String
        /// Whether a whole record with a valid checksum lies somewhere after `offset`.
        var wholeRecordFollows: Bool
    }

    let path: String
    /// The file's bytes; empty in a `summary`.
    private(set) var bytes: [UInt8]
    /// The file's size on disk.
    let fileSize: Int
    /// From the header (nil when the header itself is missing or damaged).
    private(set) var firstSequence: UInt64?
    private(set) var records: [Record] = []
    /// The sequence in the seal record, when the segment is sealed.
    private(set) var sealedNext: UInt64?
    /// The offset just past the last whole record (or the header).
    private(set) var validEnd = 0
    private(set) var damage: Damage?

    /// Reads `bytes` as the segment named for `expectedFirst`; records must continue from
    /// `expectedFirst` one by one.
    init(path: String, bytes: [UInt8], expectedFirst: UInt64) {
        self.path = path
        self.bytes = bytes
        fileSize = bytes.count
        bytes.withUnsafeBytes { raw in scan(raw, expectedFirst: expectedFirst) }
    }

    private mutating func scan(_ raw: UnsafeRawBufferPointer, expectedFirst: UInt64) {
        guard raw.count >= WALFormat.segmentHeaderSize else {
            damage = Damage(offset: 0, reason: "the segment header is cut short (\(raw.count) bytes)", wholeRecordFollows: false)
            return
        }
        guard Array(raw[0..<4]) == WALFormat.magic else {
            damage = Damage(offset: 0, reason: "bad magic, not a WAL segment", wholeRecordFollows: true)
            return
        }
        let version = raw.littleEndian(UInt16.self, at: 4)
        guard version == WALFormat.version else {
            damage = Damage(offset: 4, reason: "unsupported WAL format version \(version)", wholeRecordFollows: true)
            return
        }
        let first = raw.littleEndian(UInt64.self, at: 8)
        guard first == expectedFirst else {
            damage = Damage(offset: 8, reason: "the header says first sequence \(first), the file name \(expectedFirst)", wholeRecordFollows: true)
            return
        }
        firstSequence = first
        var offset = WALFormat.segmentHeaderSize
        validEnd = offset
        var expected = first
        while offset < raw.count {
            switch Self.record(in: raw, at: offset) {
            case .invalid(let reason):
                damage = Damage(offset: offset, reason: reason, wholeRecordFollows: Self.wholeRecord(in: raw, after: offset))
                return
            case .valid(let kind, let sequence, let length):
                let payloadStart = offset + WALFormat.recordHeaderSize
                if sealedNext != nil {
                    damage = Damage(offset: offset, reason: "a record follows the segment's seal", wholeRecordFollows: true)
                    return
                }
                switch kind {
                case .data:
                    guard sequence == expected else {
                        damage = Damage(
                            offset: offset, reason: "record sequence \(sequence) where \(expected) was due",
                            wholeRecordFollows: true)
                        return
                    }
                    records.append(Record(sequence: sequence, payload: payloadStart..<(payloadStart + length)))
                    expected += 1
                case .seal:
                    guard sequence == expected else {
                        damage = Damage(offset: offset, reason: "a seal for sequence \(sequence) where \(expected) was due", wholeRecordFollows: true)
                        return
                    }
                    sealedNext = sequence
                }
                offset = payloadStart + length
                validEnd = offset
            }
        }
    }

    /// The scan without the file's bytes, to keep while other segments are read.
    var summary: WALSegmentScan {
        var copy = self
        copy.bytes = []
        return copy
    }

    /// The sequence after the last data record.
    var nextSequence: UInt64? { firstSequence.map { $0 + UInt64(records.count) } }

    /// A record header read at some offset: whole and checksummed, or why not.
    private enum RecordCheck {
        case valid(WALFormat.Kind, UInt64, Int)
        case invalid(String)
    }

    /// Checks the record header at `offset` and its checksum.
    private static func record(in raw: UnsafeRawBufferPointer, at offset: Int) -> RecordCheck {
        guard raw.count - offset >= WALFormat.recordHeaderSize else {
            return .invalid("a record header is cut short (\(raw.count - offset) of \(WALFormat.recordHeaderSize) bytes)")
        }
        let length = Int(raw.littleEndian(UInt32.self, at: offset))
        guard length <= WALFormat.maxPayloadBytes else { return .invalid("a record length of \(length) bytes is impossible") }
        guard let kind = WALFormat.Kind(rawValue: raw[offset + 4]), raw[offset + 5] == 0, raw[offset + 6] == 0, raw[offset + 7] == 0 else {
            return .invalid("unknown record kind \(raw[offset + 4])")
        }
        let payloadStart = offset + WALFormat.recordHeaderSize
        guard raw.count - payloadStart >= length else {
            return .invalid("a record of \(length) bytes is cut short (\(raw.count - payloadStart) present)")
        }
        var crc = FileIO.crc32c(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 16)]))
        crc = FileIO.crc32c(UnsafeRawBufferPointer(rebasing: raw[payloadStart..<(payloadStart + length)]), continuing: crc)
        let stored = raw.littleEndian(UInt32.self, at: offset + 16)
        guard crc == stored else { return .invalid("checksum mismatch (stored \(stored), computed \(crc))") }
        return .valid(kind, raw.littleEndian(UInt64.self, at: offset + 8), length)
    }

    /// Whether any offset after `offset` starts a whole record with a valid checksum.
    private static func wholeRecord(in raw: UnsafeRawBufferPointer, after offset: Int) -> Bool {
        var candidate = offset + 1
        while candidate + WALFormat.recordHeaderSize <= raw.count {
            if case .valid = record(in: raw, at: candidate) { return true }
            candidate += 1
        }
        return false
    }
}
