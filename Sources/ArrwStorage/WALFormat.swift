/// The on-disk layout of the write-ahead log. The log is a directory of *segments*, files named
/// by the sequence of their first record as 20 decimal digits: `00000000000000000001.wal`.
///
/// Segment header, 16 bytes:
///
/// | offset | size | field |
/// | ---: | ---: | --- |
/// | 0 | 4 | magic `ARWL` (0x41 0x52 0x57 0x4C) |
/// | 4 | 2 | format version, UInt16 little-endian (1) |
/// | 6 | 2 | reserved, 0 |
/// | 8 | 8 | sequence of the segment's first record, UInt64 little-endian (= the file name) |
///
/// Then records, back to back, each a 20-byte header and its payload:
///
/// | offset | size | field |
/// | ---: | ---: | --- |
/// | 0 | 4 | payload length n, UInt32 little-endian (≤ `maxPayloadBytes`) |
/// | 4 | 1 | kind: 1 data, 2 seal |
/// | 5 | 3 | reserved, 0 |
/// | 8 | 8 | sequence, UInt64 little-endian |
/// | 16 | 4 | CRC-32C of header bytes 0 ..< 16 followed by the payload, UInt32 little-endian |
/// | 20 | n | payload (data records: the engine's change record, opaque here) |
///
/// Data records carry consecutive sequences across segments (1, 2, 3, …). A *seal* (kind 2,
/// empty payload) is the last record of every segment but the newest: its sequence is the next
/// segment's first, so a deleted segment is detected (a sealed segment with no successor, or a
/// gap in the sequences), never skipped. A segment is created and made durable before the old
/// one is sealed, so a crash in between leaves an unsealed segment followed by an empty one,
/// which recovery accepts.
///
/// Recovery reads the segments in order. A record that is cut short or fails its checksum at
/// the end of the newest segment, with no whole record after it, is a *torn tail* (a crash
/// mid-write): the file is cut back to the last whole record and the cut is reported. Any other
/// damage stops recovery with `StorageError.corruptLog` naming file and offset.
public enum WALFormat {
    public static let magic: [UInt8] = Array("ARWL".utf8)
    public static let version: UInt16 = 1
    public static let segmentHeaderSize = 16
    public static let recordHeaderSize = 20
    /// The largest payload a record may carry (256 MiB); a longer length field is damage.
    public static let maxPayloadBytes = 256 << 20
    public static let segmentExtension = ".wal"

    enum Kind: UInt8 {
        case data = 1
        case seal = 2
    }

    static func segmentName(firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + segmentExtension
    }

    /// The first sequence encoded in a segment file name, or nil for other files.
    static func firstSequence(ofSegmentNamed name: String) -> UInt64? {
        guard name.hasSuffix(segmentExtension), name.count == 20 + segmentExtension.count else { return nil }
        return UInt64(name.prefix(20))
    }

    static func segmentHeader(firstSequence: UInt64) -> [UInt8] {
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(firstSequence)
        return bytes
    }

    /// Appends one framed record to `buffer`.
    static func appendRecord(kind: Kind, sequence: UInt64, payload: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.appendLittleEndian(UInt32(payload.count))
        buffer.append(kind.rawValue)
        buffer.append(contentsOf: [0, 0, 0])
        buffer.appendLittleEndian(sequence)
        var crc = buffer.withUnsafeBytes { FileIO.crc32c(UnsafeRawBufferPointer(rebasing: $0[start..<(start + 16)])) }
        crc = FileIO.crc32c(payload, continuing: crc)
        buffer.appendLittleEndian(crc)
        buffer.append(contentsOf: payload)
    }
}
