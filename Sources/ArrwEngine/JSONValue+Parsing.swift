import Foundation

/// Why a text is not JSON: what was wrong and at which byte.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
    /// Parses RFC 8259 JSON straight into a `JSONValue` (much faster than `JSONDecoder` for
    /// long number arrays such as embeddings). Integers that fit in `Int64` stay `.int`; other
    /// numbers are `.double`. Nesting deeper than `maxDepth` is an error, never a stack
    /// overflow. Only whitespace may follow the value.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 128) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    /// Parses the bytes of `data` (see `parse(_:maxDepth:)`).
    public static func parse(_ data: some ContiguousBytes, maxDepth: Int = 128) throws -> JSONValue {
        try data.withUnsafeBytes { try parse($0, maxDepth: maxDepth) }
    }
}

/// A recursive-descent JSON reader over raw bytes; `offset` is the next unread byte.
private struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var offset = 0

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: offset, reason: reason) }

    var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try shortNumber() ?? number()
        default: throw error("unexpected character '\(Unicode.Scalar(byte))'")
        }
    }

    mutating func literal(_ word: StaticString, _ value: JSONValue) throws -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count,
            (0..<count).allSatisfy({ bytes[offset + $0] == word.utf8Start[$0] })
        else { throw error("expected '\(word)'") }
        offset += count
        return value
    }

    mutating func object(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
        offset += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            offset += 1
            skipWhitespace()
            members[key] = try value(depth: depth)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"):
                offset += 1
                return .object(members)
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    mutating func array(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
        offset += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            offset += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"):
                offset += 1
                return .array(items)
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func string() throws -> String {
        offset += 1
        let start = offset
        // Fast path: no escapes.
        var ascii = true
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw error("a control character inside a string") }
            ascii = ascii && byte < 0x80
            offset += 1
        }
        guard let stop = current else { throw error("an unterminated string") }
        if stop == UInt8(ascii: "\"") {
            defer { offset += 1 }
            return ascii ? asciiString(start..<offset) : try validated(start..<offset)
        }
        var utf8 = Array(bytes[start..<offset])
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let text = String(validating: utf8, as: UTF8.self) else { throw error("a string that is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                offset += 1
                try escape(into: &utf8)
            case 0..<0x20:
                throw error("a control character inside a string")
            default:
                utf8.append(byte)
                offset += 1
            }
        }
        throw error("an unterminated string")
    }

    /// The string of bytes known to be ASCII (so valid UTF-8): no validation, which in the
    /// generic `String(validating:as:)` costs a runtime metadata lookup per call.
    func asciiString(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]).assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    func validated(_ range: Range<Int>) throws -> String {
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
            throw error("a string that is not valid UTF-8")
        }
        return text
    }

    mutating func escape(into utf8: inout [UInt8]) throws {
        guard let byte = current else { throw error("an unterminated escape") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw error("a lone high surrogate")
                }
                offset += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("a high surrogate without its low half") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("a lone low surrogate")
            }
            utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
        default:
            throw error("an unknown escape '\\\(Unicode.Scalar(byte))'")
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw error("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a bad hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// The common number in one tight pass: `-?(0|[1-9][0-9]*)(\.[0-9]+)?` with no exponent: an
    /// integer of at most 18 digits, or a decimal of at most 15 significant digits and 22
    /// decimals (one correctly rounded divide, Clinger's fast path) or of 16–19 digits
    /// (`extendedPrecision`). Anything else (an exponent, more digits, a malformed number, a
    /// halfway case) returns nil having read nothing, for `number()`. The floats embeddings
    /// arrive as (8–9 digits from orjson, 17 from Python's `json` printing a float32 as a
    /// double) all take this path.
    mutating func shortNumber() -> JSONValue? {
        let end = bytes.count
        var position = offset
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < end else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        let first = bytes[position] &- UInt8(ascii: "0")
        if first == 0 {
            position += 1
        } else if first < 10 {
            while position < end, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                position += 1
            }
        } else {
            return nil
        }
        var decimals = 0
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < end, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { digits += 1 }
                decimals += 1
                position += 1
            }
            guard decimals > 0, digits <= 19 else { return nil }
        } else if digits > 18 {
            return nil
        }
        if position < end, bytes[position] | 0x20 == UInt8(ascii: "e") { return nil }
        let value: Double
        if decimals == 0 {
            offset = position
            return .int(negative ? -Int64(mantissa) : Int64(mantissa))
        } else if digits <= 15, decimals <= 22 {
            value = Double(mantissa) / Self.powersOfTen[decimals]
        } else if let extended = Self.extendedPrecision(mantissa: mantissa, exponent: -decimals) {
            value = extended
        } else {
            return nil
        }
        offset = position
        return .double(negative ? -value : value)
    }

    /// RFC 8259 number grammar, for every number `shortNumber` leaves (exponents, more digits,
    /// halfway cases, and malformed numbers, for which it throws); integers that fit in Int64
    /// stay exact. Short decimals use the exact fast path (at most 15 significant digits and a
    /// power of ten up to 22, so one correctly rounded multiply or divide); up to 19 digits go
    /// through `extendedPrecision` where the platform has it; anything else goes to `strtod`.
    /// Every path gives the correctly rounded double.
    mutating func number() throws -> JSONValue {
        let start = offset
        let negative = current == UInt8(ascii: "-")
        if negative { offset += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("a number needs a digit")
        }
        if first == UInt8(ascii: "0") {
            offset += 1
        } else {
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0")) } else { exponent += 1 }
                digits += 1
                offset += 1
            }
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            offset += 1
            guard let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw error("a digit must follow the decimal point")
            }
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits < 19 {
                    mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                    exponent -= 1
                }
                digits += mantissa == 0 ? 0 : 1
                offset += 1
            }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            offset += 1
            var exponentNegative = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                exponentNegative = current == UInt8(ascii: "-")
                offset += 1
            }
            guard let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw error("a digit must follow the exponent")
            }
            var value = 0
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                value = min(value * 10 + Int(byte - UInt8(ascii: "0")), 100_000)
                offset += 1
            }
            exponent += exponentNegative ? -value : value
        }
        if integral, digits <= 18 {
            return .int(negative ? -Int64(mantissa) : Int64(mantissa))
        }
        if !integral, digits <= 15, (-22...22).contains(exponent) {
            let value = exponent < 0 ? Double(mantissa) / Self.powersOfTen[-exponent] : Double(mantissa) * Self.powersOfTen[exponent]
            return .double(negative ? -value : value)
        }
        if !integral, digits <= 19, let value = Self.extendedPrecision(mantissa: mantissa, exponent: exponent) {
            return .double(negative ? -value : value)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if integral, let exact = Int64(text) { return .int(exact) }
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(offset: start, reason: "the number \(text) is out of range")
        }
        return .double(value)
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    #if arch(x86_64) && !os(Windows)
    /// `mantissa · 10^exponent` correctly rounded to a double, through x87 extended precision
    /// (the fast path of Gay's and Clinger's readers, for the 16–19 digits that printing a float
    /// round-trip gives): the mantissa and `10^|exponent|` (|exponent| ≤ 27, below 2^64) are
    /// exact in `Float80`, so one multiply or divide rounds once, to within half a 64-bit ulp.
    /// Rounding that to 53 bits is then correct unless it sits within an ulp of a halfway point
    /// (its 11 low bits near `0x400`): nil there, for `strtod` to decide.
    static func extendedPrecision(mantissa: UInt64, exponent: Int) -> Double? {
        guard mantissa != 0, (-27...27).contains(exponent) else { return mantissa == 0 ? 0 : nil }
        let scale = powersOfTenExtended[abs(exponent)]
        let value = exponent < 0 ? Float80(mantissa) / scale : Float80(mantissa) * scale
        let lowBits = value.significandBitPattern & 0x7FF
        guard !(0x3FF...0x401).contains(lowBits) else { return nil }
        return Double(value)
    }

    static let powersOfTenExtended: [Float80] = (0...27).map { power in
        (0..<power).reduce(Float80(1)) { product, _ in product * 10 }
    }
    #else
    static func extendedPrecision(mantissa: UInt64, exponent: Int) -> Double? { nil }
    #endif
}
