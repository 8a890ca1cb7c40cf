import ArrwEngine
import Foundation
import Testing

/// `JSONValue.parse` gives what `JSONDecoder` gives for valid JSON, case for case, and rejects
/// what RFC 8259 rejects (trailing commas too, which `JSONDecoder` accepts) with the offset of
/// the problem.
@Suite struct JSONValueParsingTests {
    static let valid = [
        "null", "true", "false", "0", "-0", "7", "-12", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "1.5", "-0.25", "1e3", "1E-3", "2.5e+10", "1.0", "-0.0", "1e-400", "1.5e300", "12345678901234567890", "0.123456789012345678",
        #""""#, #""plain""#, #""é ü 漢字 🙂""#, #""esc \" \\ \/ \b \f \n \r \t""#, #""\u0041\u00e9\u6f22\ud83d\ude42""#,
        "[]", "{}", " [ 1 , 2.5 , \"x\" , null , true ] ", #"{"a": {"b": [1, {"c": []}]}, "d": -1.5e2}"#,
        #"{"dup": 1, "dup": 2}"#, #"{"id": "d1", "chunks": [{"text": "t", "embedding": [0.1, -0.2, 3e-1]}]}"#,
        "\t\r\n {\"k\":\"v\"}\n",
    ]

    @Test(arguments: valid)
    func validTextsParseAsJSONDecoderDecodesThem(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let parsed = try JSONValue.parse(Array(text.utf8))
        #expect(parsed == expected)
        #expect(identical(parsed, expected), "the same cases (.int vs .double) for \(text)")
    }

    /// Equal with the same case everywhere (`==` lets `.int(1)` equal `.double(1)`).
    private func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy(identical)
        case (.object(let x), .object(let y)): x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        case (.int, _), (.double, _), (.array, _), (.object, _): false
        default: a == b
        }
    }

    static let invalid: [(String, Int)] = [
        ("", 0), ("   ", 3), ("nul", 0), ("tru", 0), ("01", 1), ("-", 1), ("1.", 2), (".5", 0), ("1e", 2), ("+1", 0),
        ("NaN", 0), ("Infinity", 0), ("1e400", 0), ("[1,]", 3), ("[1 2]", 3), ("{\"a\" 1}", 5), ("{\"a\":1,}", 7),
        ("{a:1}", 1), ("\"open", 5), ("\"tab\there\"", 4), ("\"bad \\x\"", 6), ("\"\\u12\"", 3), ("\"\\ud83d\"", 7),
        ("\"\\ude42\"", 7), ("[1] x", 4), ("{\"a\":1}}", 7), ("'single'", 0),
    ]

    @Test(arguments: invalid)
    func invalidTextsAreRejectedWithTheirOffset(_ text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
        do {
            _ = try JSONValue.parse(Array(text.utf8))
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
            #expect(!error.reason.isEmpty)
        }
    }

    /// The fast path (at most 15 digits, power of ten up to 22) and the strtod path agree with
    /// `Double(String)` bit for bit on numbers written every common way.
    @Test func numbersAreRoundedCorrectly() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double.random(in: -2...2, using: &generator) * pow(10, Double(Int.random(in: -30...30, using: &generator)))
            for text in [String(format: "%.5f", value), String(format: "%.17g", value), "\(value)", String(format: "%.3e", value)] {
                let parsed = try JSONValue.parse(Array(text.utf8))
                let expected = try #require(Double(text))
                #expect(parsed.number?.bitPattern == expected.bitPattern || (expected == 0 && parsed == .int(0)), "\(text)")
            }
        }
    }

    @Test func invalidUTF8AndDeepNestingAreRejected() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
        let allowed = String(repeating: "[", count: JSONValue.maxParseDepth) + String(repeating: "]", count: JSONValue.maxParseDepth)
        #expect((try? JSONValue.parse(Array(allowed.utf8))) != nil)
    }
}
