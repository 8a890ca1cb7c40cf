import ArrwEngine
import ArrwTestSupport
import Foundation
import Testing

/// `JSONValue.parse` against Foundation's `JSONDecoder` as the reference, on valid and broken input.
@Suite struct JSONParsingTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }
    func reference(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    @Test("documents parse exactly as JSONDecoder reads them")
    func agreesWithFoundation() throws {
        let samples = [
            #"{"a": 1, "b": [true, false, null], "c": {"d": "e\n\"q\" \\ \/ \u00e9 \ud83d\ude00"}, "f": -0.5e-3}"#,
            #"[]"#, #"{}"#, #"  [ 1 , 2 ]  "#, #""plain""#, #"0"#, #"-0"#, #"9223372036854775807"#, #"-9223372036854775808"#,
            #"9223372036854775808"#, #"12345678901234567890123"#, #"1E5"#, #"1e-400"#, #"0.1"#, #"123.456e2"#,
#""tab\tin""#, #""ünïcödé""#,
            #"[0.000000000000000000001234, 12345678.87654321, -0.0, 100000000000000000000.5, 0.00001, 1234567812345678]"#,
            #"[123456789012345678, 1234567890123456789, 0.1234567812345678, 87654321.1e-3, 0]"#,
        ]
        for sample in samples {
            #expect(try parse(sample).jsonEquals(try reference(sample)), "\(sample)")
        }
        #expect(try parse(#"{"dup": 1, "dup": 2}"#) == .object(["dup": .int(2)]), "the last duplicate key wins, as in JavaScript")
    }

    @Test("numbers round-trip bit for bit, in every format a client may send")
    func numbers() throws {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<20_000 {
            let value = Double(Float.random(in: -2...2, using: &generator)) * pow(10, Double(Int.random(in: -30...30, using: &generator)))
            for text in [String(value), String(format: "%.5f", value), String(format: "%.9e", value), String(Float(value))] {
                #expect(try parse(text).number == Double(text)!, "\(text)")
            }
        }
    }

    @Test("16 to 19 significant digits (a float printed to round-trip, as Python and numpy send it) parse to strtod's double")
    func longMantissas() throws {
        var generator = SeededGenerator(seed: 6)
        var texts: [String] = ["0.41800999641418457", "-0.0026512451004236937", "1.0000000000000002", "0.30000000000000004",
                               "9007199254740993.5", "123456789012345678.9", "0.1234567890123456789"]
        for _ in 0..<100_000 {
            let mantissa = UInt64.random(in: 1_000_000_000_000_000_000...9_999_999_999_999_999_999, using: &generator)
            let digits = Int.random(in: 16...19, using: &generator)
            let significant = String(String(mantissa).prefix(digits))
            let point = Int.random(in: 1..<significant.count, using: &generator)
            let exponent = Bool.random(using: &generator) ? "e\(Int.random(in: -30...30, using: &generator))" : ""
            texts.append("\(significant.prefix(point)).\(significant.dropFirst(point))\(exponent)")
            texts.append("\(Double(Float.random(in: -1...1, using: &generator)))")
        }
        for text in texts {
            let parsed = try #require(try? parse(text), "\(text)").number
            #expect(parsed?.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test("broken JSON is an error naming the byte, never a crash")
    func rejects() {
        let broken = [
            "", " ", "{", "}", "[1,]", "[1 2]", #"{"a" 1}"#, #"{"a": }"#, #"{a: 1}"#, "01", "1.", "-", "1e", ".5", "+1",
            #""unterminated"#, "\"bad \\x escape\"", "\"\u{01}\"", #""\ud800""#, #""\udc00x""#, "tru", "nul", "[1] 2",
            "1e999", "-1e999", String(repeating: "[", count: 500) + String(repeating: "]", count: 500),
        ]
        for text in broken {
            #expect(throws: JSONSyntaxError.self, "\(text.prefix(20))") { try parse(text) }
        }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22] as [UInt8]) }
    }
}
