/// Appends little-endian values to a byte buffer: the writing half of every index format.
public struct ByteWriter {
    @usableFromInline var storage: [UInt8] = []
    /// What has been written so far.
    public var bytes: [UInt8] { storage }

    public init() {}

    @inlinable
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    @inlinable
    public mutating func write(_ value: Float) {
        write(value.bitPattern)
    }

    /// Floats as raw little-endian float32 (the count is not written; write it first if needed).
    @inlinable
    public mutating func write(floats: UnsafeBufferPointer<Float>) {
        #if _endian(little)
        storage.append(contentsOf: UnsafeRawBufferPointer(floats))
        #else
        for value in floats { write(value) }
        #endif
    }

    @inlinable
    public mutating func write(floats: [Float]) {
        floats.withUnsafeBufferPointer { write(floats: $0) }
    }

    @inlinable
    public mutating func write<T: FixedWidthInteger>(integers: [T]) {
        #if _endian(little)
        integers.withUnsafeBytes { storage.append(contentsOf: $0) }
        #else
        for value in integers { write(value) }
        #endif
    }
}

/// Reads little-endian values written by `ByteWriter` from `bytes[offset..<end]`; every read
/// past `end` throws `IndexFormatError.truncated` instead of trapping. Readers over parts of one
/// buffer share it (no copy).
public struct ByteReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    @usableFromInline var position: Int
    /// Where the next read starts.
    public var offset: Int { position }
    @usableFromInline let end: Int

    /// Reads `bytes` from `offset` to `end` (the end of the buffer when nil).
    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        precondition(offset >= 0 && (end ?? bytes.count) <= bytes.count, "reader bounds outside the buffer")
        self.bytes = bytes
        self.position = offset
        self.end = end ?? bytes.count
    }

    @inlinable
    public var remaining: Int { end - offset }
    @inlinable
    public var isAtEnd: Bool { offset == end }

    /// A reader over the next `count` bytes (sharing the buffer), which this one skips.
    @inlinable
    public mutating func subReader(count: Int) throws -> ByteReader {
        guard count >= 0, remaining >= count else { throw IndexFormatError.truncated }
        defer { position += count }
        return ByteReader(bytes, offset: offset, end: offset + count)
    }

    /// The next `count` bytes as UTF-8 text (invalid sequences become U+FFFD).
    @inlinable
    public mutating func readUTF8(count: Int) throws -> String {
        guard count >= 0, remaining >= count else { throw IndexFormatError.truncated }
        defer { position += count }
        return bytes.withUnsafeBytes { raw in
            // Safe: remaining >= count was checked.
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]), as: UTF8.self)
        }
    }

    /// Calls `body` with the next `count` bytes, which are then skipped.
    @inlinable
    public mutating func withBytes<R>(count: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard count >= 0, remaining >= count else { throw IndexFormatError.truncated }
        defer { position += count }
        return try bytes.withUnsafeBytes { raw in
            // Safe: remaining >= count was checked.
            try body(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
        }
    }

    @inlinable
    public mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw IndexFormatError.truncated }
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { target in
            bytes.withUnsafeBytes { source in
                // Safe: remaining >= size was checked, so offset..<offset+size lies inside `bytes`.
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + size)]))
            }
        }
        position += size
        return T(littleEndian: value)
    }

    @inlinable
    public mutating func readFloat() throws -> Float {
        Float(bitPattern: try read(UInt32.self))
    }

    /// A count written as UInt64, checked to be at most `limit` (so corrupt input cannot ask for
    /// a huge allocation).
    @inlinable
    public mutating func readCount(limit: Int) throws -> Int {
        let value = try read(UInt64.self)
        guard value <= UInt64(limit) else { throw IndexFormatError.corrupt("a count of \(value) exceeds \(limit)") }
        return Int(value)
    }

    @inlinable
    public mutating func readFloats(count: Int) throws -> [Float] {
        guard count >= 0, remaining >= count * 4 else { throw IndexFormatError.truncated }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                // Safe: remaining >= count × 4 was checked.
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count * 4)]))
            }
        }
        #if _endian(big)
        values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        position += count * 4
        return values
    }

    @inlinable
    public mutating func readIntegers<T: FixedWidthInteger>(_: T.Type, count: Int) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard count >= 0, remaining >= count * size else { throw IndexFormatError.truncated }
        var values = [T](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                // Safe: remaining >= count × size was checked.
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count * size)]))
            }
        }
        position += count * size
        #if _endian(big)
        values = values.map { T(littleEndian: $0) }
        #endif
        return values
    }
}

/// Why stored index bytes cannot be loaded. Loading never traps on bad input.
public enum IndexFormatError: Error, Equatable, CustomStringConvertible {
    case truncated
    case badMagic
    case unsupportedVersion(UInt16)
    case checksumMismatch
    case unknownIndexType(UInt8)
    case corrupt(String)

    public var description: String {
        switch self {
        case .truncated: "index data is truncated"
        case .badMagic: "not an arrwDB index (bad magic)"
        case .unsupportedVersion(let version): "index format version \(version) is not supported by this build"
        case .checksumMismatch: "index data is damaged (CRC-32C mismatch)"
        case .unknownIndexType(let tag): "unknown index type tag \(tag)"
        case .corrupt(let reason): "index data is inconsistent: \(reason)"
        }
    }
}
