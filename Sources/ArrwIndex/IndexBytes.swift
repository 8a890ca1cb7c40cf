/// Appends little-endian values to a byte buffer: the writing half of every index format.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func write(_ value: Float) {
        write(value.bitPattern)
    }

    /// Floats as raw little-endian float32 (the count is not written; write it first if needed).
    public mutating func write(floats: UnsafeBufferPointer<Float>) {
        #if _endian(little)
        bytes.append(contentsOf: UnsafeRawBufferPointer(floats))
        #else
        for value in floats { write(value) }
        #endif
    }

    public mutating func write(floats: [Float]) {
        floats.withUnsafeBufferPointer { write(floats: $0) }
    }

    public mutating func write<T: FixedWidthInteger>(integers: [T]) {
        #if _endian(little)
        integers.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in integers { write(value) }
        #endif
    }
}

/// Reads little-endian values written by `ByteWriter`; every read past the end throws
/// `IndexFormatError.truncated` instead of trapping.
public struct ByteReader {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

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
        offset += size
        return T(littleEndian: value)
    }

    public mutating func readFloat() throws -> Float {
        Float(bitPattern: try read(UInt32.self))
    }

    /// A count written as UInt64, checked to be at most `limit` (so corrupt input cannot ask for
    /// a huge allocation).
    public mutating func readCount(limit: Int) throws -> Int {
        let value = try read(UInt64.self)
        guard value <= UInt64(limit) else { throw IndexFormatError.corrupt("a count of \(value) exceeds \(limit)") }
        return Int(value)
    }

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
        offset += count * 4
        return values
    }

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
        offset += count * size
        return values.map { T(littleEndian: $0) }
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
