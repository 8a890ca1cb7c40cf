import ArrwEngine
import ArrwTestSupport
import Foundation
import Testing

/// `JSONValue.jsonBytes` against Foundation's `JSONEncoder` (sorted keys, slashes unescaped),
/// the encoder the answers were written with before: the same bytes for every kind of value.
@Suite struct JSONWritingTests {
    static func reference(_ value: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    @Test("numbers, strings, keys and nesting come out as JSONEncoder writes them")
    func agreesWithFoundation() throws {
        var generator = SeededGenerator(seed: 12)
        var values: [JSONValue] = [
            .null, .bool(true), .bool(false), .int(0), .int(-7), .int(.max), .int(.min),
            .double(0), .double(-0.0), .double(1), .double(-1), .double(0.1), .double(1e-5), .double(1e21), .double(1e22),
            .double(123456789.0), .double(.leastNonzeroMagnitude), .double(.greatestFiniteMagnitude), .double(0.30000000000000004),
            .string(""), .string("plain / slash \"quoted\" back\\slash"), .string("tab\tnew\nline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}"),
            .string("ünïcödé 😀 \u{2028}"), .array([]), .object([:]),
            .object(["b": .int(1), "a": .array([.null, .double(2.5)]), "a10": .bool(true), "a2": .string("x"), "B": .null, "_": .int(3), "é": .int(4)]),
        ]
        for _ in 0..<2000 {
            let magnitude = pow(10, Double(Int.random(in: -30...30, using: &generator)))
            values.append(.double(Double.random(in: -1...1, using: &generator) * magnitude))
            values.append(.double(Double(Float.random(in: -1...1, using: &generator))))
            values.append(.double(Double(Int.random(in: -1_000_000...1_000_000, using: &generator))))
            let scalars = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                Character(Unicode.Scalar(UInt8.random(in: 0...127, using: &generator)))
            }
            values.append(.string(String(scalars)))
        }
        for value in values {
            #expect(value.jsonBytes == (try Self.reference(value)), "\(value)")
        }
        let nested = JSONValue.object(["results": .array(values.prefix(40).map { .object(["value": $0, "key": .string("k")]) })])
        #expect(nested.jsonBytes == (try Self.reference(nested)))
    }
}
