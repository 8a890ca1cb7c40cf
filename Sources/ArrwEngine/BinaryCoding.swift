import ArrwIndex
import Foundation

/// The engine's binary encodings of strings, dates, ids and JSON over `ByteWriter`, used by WAL
/// change records and snapshots. All little-endian:
///
/// | value | encoding |
/// | --- | --- |
/// | String | UInt32 byte count, UTF-8 bytes |
/// | Date | Float64 bits of seconds since 2001-01-01 UTC (Foundation's reference date, exact) as UInt64 |
/// | UUID | 16 bytes |
/// | JSON | tag UInt8 (0 null, 1 false, 2 true, 3 Int64, 4 Float64, 5 string, 6 array: UInt32 count + items, 7 object: UInt32 count + (string key, value) pairs) |
/// | block | UInt64 byte count, the bytes |
/// | optional block | UInt8 flag (0 absent, 1 present), then a block when present |
extension ByteWriter {
    mutating func write(block bytes: [UInt8]) {
        write(UInt64(bytes.count))
        write(integers: bytes)
    }

    mutating func write(optionalBlock bytes: [UInt8]?) {
        write(UInt8(bytes == nil ? 0 : 1))
        if let bytes { write(block: bytes) }
    }

    mutating func write(string: String) {
        var text = string
        text.withUTF8 { utf8 in
            write(UInt32(utf8.count))
            write(integers: Array(utf8))
        }
    }

    mutating func write(date: Date) {
        write(date.timeIntervalSinceReferenceDate.bitPattern)
    }

    /// A UInt8 flag, then the date when there is one.
    mutating func write(optionalDate date: Date?) {
        write(UInt8(date == nil ? 0 : 1))
        if let date { write(date: date) }
    }

    mutating func write(uuid: UUID) {
        withUnsafeBytes(of: uuid.uuid) { write(integers: Array($0)) }
    }

    mutating func write(json: JSONValue) {
        switch json {
        case .null: write(UInt8(0))
        case .bool(let value): write(UInt8(value ? 2 : 1))
        case .int(let value):
            write(UInt8(3))
            write(value)
        case .double(let value):
            write(UInt8(4))
            write(value.bitPattern)
        case .string(let value):
            write(UInt8(5))
            write(string: value)
        case .array(let items):
            write(UInt8(6))
            write(UInt32(items.count))
            for item in items { write(json: item) }
        case .object(let object):
            write(UInt8(7))
            write(object: object)
        }
    }

    mutating func write(object: [String: JSONValue]) {
        write(UInt32(object.count))
        for (key, value) in object {
            write(string: key)
            write(json: value)
        }
    }
}

extension ByteReader {
    /// A block (see `write(block:)`), as a reader of its bytes alone.
    mutating func readBlock() throws -> ByteReader {
        try subReader(count: readCount(limit: remaining))
    }

    /// An optional block (see `write(optionalBlock:)`), nil when absent.
    mutating func readOptionalBlock() throws -> ByteReader? {
        try read(UInt8.self) == 1 ? readBlock() : nil
    }

    mutating func readString() throws -> String {
        try readUTF8(count: Int(try read(UInt32.self)))
    }

    mutating func readDate() throws -> Date {
        Date(timeIntervalSinceReferenceDate: Double(bitPattern: try read(UInt64.self)))
    }

    /// What `write(optionalDate:)` wrote.
    mutating func readOptionalDate() throws -> Date? {
        try read(UInt8.self) == 1 ? try readDate() : nil
    }

    mutating func readUUID() throws -> UUID {
        let bytes = try readIntegers(UInt8.self, count: 16)
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A JSON value nested at most `depth` levels (deeper input is corrupt, not a stack overflow).
    mutating func readJSON(depth: Int = 64) throws -> JSONValue {
        guard depth > 0 else { throw IndexFormatError.corrupt("JSON nested too deeply") }
        switch try read(UInt8.self) {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try read(Int64.self))
        case 4: return .double(Double(bitPattern: try read(UInt64.self)))
        case 5: return .string(try readString())
        case 6:
            let count = Int(try read(UInt32.self))
            guard count <= remaining else { throw IndexFormatError.truncated }
            return .array(try (0..<count).map { _ in try readJSON(depth: depth - 1) })
        case 7: return .object(try readObject(depth: depth - 1))
        case let tag: throw IndexFormatError.corrupt("unknown JSON tag \(tag)")
        }
    }

    mutating func readObject(depth: Int = 64) throws -> [String: JSONValue] {
        let count = Int(try read(UInt32.self))
        guard count <= remaining else { throw IndexFormatError.truncated }
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(count)
        for _ in 0..<count {
            let key = try readString()
            object[key] = try readJSON(depth: depth)
        }
        return object
    }
}
