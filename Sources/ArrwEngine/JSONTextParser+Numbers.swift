extension JSONTextParser {
    /// Powers of ten that a `Double` holds exactly (10^0 ... 10^22).
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { power, _ in power * 10 }
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. An integral value that
    /// fits in `Int64` is `.int` (as `JSONDecoder` does), any other `.double`, rounded correctly.
    ///
    /// Fast path (Clinger 1990, "How to read floating point numbers accurately"): with at most
    /// 15 digits the digits form an integer below 2^53, and a power of ten up to 10^22 is exact
    /// in a `Double`, so one multiplication or division, rounded once by IEEE 754, gives the
    /// correctly rounded value. Anything else goes through `Double(String)` (strtod).
    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        var negative = false
        var digits: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var exponent = 0
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("a number needs a digit") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw error("a number may not have a leading zero") }
        } else {
            readDigits(into: &digits, count: &digitCount)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("a fraction needs a digit") }
            let before = position
            readDigits(into: &digits, count: &digitCount)
            fractionDigits = position - before
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("an exponent needs a digit") }
            while position < bytes.count, isDigit(bytes[position]) {
                exponent = min(exponent * 10 + Int(bytes[position] - UInt8(ascii: "0")), 1_000_000)
                position += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        if isInteger, digitCount <= 18 {
            return .int(negative ? -Int64(digits) : Int64(digits))
        }
        let scale = exponent - fractionDigits
        if digitCount <= 15, (-22...22).contains(scale) {
            let magnitude = scale >= 0
                ? Double(digits) * Self.exactPowersOfTen[scale] : Double(digits) / Self.exactPowersOfTen[-scale]
            return Self.value(negative ? -magnitude : magnitude)
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else {
            position = start
            throw error("the number \(text) is out of range")
        }
        return Self.value(double)
    }

    /// `.int` for an integral value that fits in `Int64`, else `.double`.
    private static func value(_ double: Double) -> JSONValue {
        if double == double.rounded(.towardZero), let integer = Int64(exactly: double) { return .int(integer) }
        return .double(double)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Reads a run of digits into `digits` (only while it stays exact, that is, while `count`
    /// is at most 19; beyond that the caller takes the slow path anyway).
    private mutating func readDigits(into digits: inout UInt64, count: inout Int) {
        while position < bytes.count, isDigit(bytes[position]) {
            if count < 19 { digits = digits * 10 + UInt64(bytes[position] - UInt8(ascii: "0")) }
            count += 1
            position += 1
        }
    }
}
