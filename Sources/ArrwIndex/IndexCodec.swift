import CArrwKernels

/// An index that can be written to bytes and read back exactly (same keys, vectors and
/// structure, so searches answer identically).
public protocol SerializableIndex: VectorIndex {
    /// The tag identifying this index type in the envelope (see `IndexCodec`).
    static var typeTag: UInt8 { get }
    /// Writes everything needed to rebuild the index (dimension and metric included).
    func writePayload(to writer: inout ByteWriter)
    /// Rebuilds an index from `writePayload`'s bytes; throws `IndexFormatError`, never traps.
    static func readPayload(from reader: inout ByteReader) throws -> Self
}

/// The versioned on-disk envelope of every index.
///
/// | offset | size | field |
/// | ---: | ---: | --- |
/// | 0 | 4 | magic `ARWI` (0x41 0x52 0x57 0x49) |
/// | 4 | 2 | format version, UInt16 little-endian (1) |
/// | 6 | 1 | index type tag (1 brute force, 2 KD-tree, 3 LSH, 4 HNSW, 5 IVF) |
/// | 7 | 1 | reserved, 0 |
/// | 8 | 8 | payload length n, UInt64 little-endian |
/// | 16 | n | payload, the index type's own layout (all little-endian) |
/// | 16 + n | 4 | CRC-32C of bytes 0 ..< 16 + n, UInt32 little-endian |
///
/// A newer version, a wrong magic, a bad checksum or a short buffer is an `IndexFormatError`.
public enum IndexCodec {
    public static let magic: [UInt8] = Array("ARWI".utf8)
    public static let version: UInt16 = 1

    public static func encode(_ index: some SerializableIndex) -> [UInt8] {
        var payload = ByteWriter()
        index.writePayload(to: &payload)
        var writer = ByteWriter()
        writer.write(integers: magic)
        writer.write(version)
        writer.write(type(of: index).typeTag)
        writer.write(UInt8(0))
        writer.write(UInt64(payload.bytes.count))
        var bytes = writer.bytes + payload.bytes
        let checksum = bytes.withUnsafeBytes { arrw_crc32c(0, $0.baseAddress, $0.count) }
        withUnsafeBytes(of: checksum.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Encodes an index known only as a `VectorIndex`. Every index type of this module is
    /// serializable; an outside conformer that is not throws `IndexFormatError.corrupt`, loudly.
    public static func encode(any index: any VectorIndex) throws -> [UInt8] {
        guard let serializable = index as? any SerializableIndex else {
            throw IndexFormatError.corrupt("\(type(of: index)) cannot be serialized")
        }
        return encode(serializable)
    }

    public static func decode(_ bytes: [UInt8]) throws -> any VectorIndex {
        var reader = ByteReader(bytes)
        return try decode(from: &reader)
    }

    /// Decodes one envelope from `source`, which must hold exactly that envelope (no copy of
    /// the bytes is made).
    public static func decode(from source: inout ByteReader) throws -> any VectorIndex {
        let count = source.remaining
        guard count >= 20 else { throw IndexFormatError.truncated }
        var whole = try source.subReader(count: count)
        var header = whole
        guard try header.readIntegers(UInt8.self, count: 4) == magic else { throw IndexFormatError.badMagic }
        let version = try header.read(UInt16.self)
        guard version == Self.version else { throw IndexFormatError.unsupportedVersion(version) }
        let tag = try header.read(UInt8.self)
        _ = try header.read(UInt8.self)
        let length = try header.read(UInt64.self)
        guard length <= UInt64(count - 20) else { throw IndexFormatError.truncated }
        let end = 16 + Int(length)
        let actual = try whole.withBytes(count: end) { arrw_crc32c(0, $0.baseAddress, $0.count) }
        let stored = try whole.read(UInt32.self)
        guard stored == actual else { throw IndexFormatError.checksumMismatch }
        guard whole.isAtEnd else { throw IndexFormatError.corrupt("\(whole.remaining) bytes after the index") }
        var reader = try header.subReader(count: Int(length))
        let index: any VectorIndex
        switch tag {
        case BruteForceIndex.typeTag: index = try BruteForceIndex.readPayload(from: &reader)
        case KDTreeIndex.typeTag: index = try KDTreeIndex.readPayload(from: &reader)
        case LSHIndex.typeTag: index = try LSHIndex.readPayload(from: &reader)
        case IVFIndex.typeTag: index = try IVFIndex.readPayload(from: &reader)
        case HNSWIndex.typeTag: index = try HNSWIndex.readPayload(from: &reader)
        default: throw IndexFormatError.unknownIndexType(tag)
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes left after the payload") }
        return index
    }
}
