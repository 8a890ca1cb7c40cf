@testable import ArrwServer
import NIOCore
import Testing

/// `NDJSONLineSplitter` gives the same lines, numbered by position, however the body is cut
/// into buffers.
@Suite struct NDJSONLineSplitterTests {
    /// `\n` and `\r\n` endings, a blank line, a whitespace-only line and a last line without newline.
    static let body = "{\"a\": 1}\n{\"b\": 2}\r\n\n  \t\r\n{\"c\": \"x\\ny\"}\r\n{\"d\": 4}"
    static let expected: [NDJSONLineSplitter.Line] = [
        .text(number: 1, bytes: Array(#"{"a": 1}"#.utf8)),
        .text(number: 2, bytes: Array(#"{"b": 2}"#.utf8)),
        .text(number: 5, bytes: Array(#"{"c": "x\ny"}"#.utf8)),
        .text(number: 6, bytes: Array(#"{"d": 4}"#.utf8)),
    ]

    /// Feeds `pieces` in order and collects every line, the last one included.
    private func split(_ pieces: [[UInt8]], maxLineBytes: Int = 1024) -> [NDJSONLineSplitter.Line] {
        var splitter = NDJSONLineSplitter(maxLineBytes: maxLineBytes)
        var lines = pieces.flatMap { splitter.lines(in: ByteBuffer(bytes: $0)) }
        if let last = splitter.finish() { lines.append(last) }
        return lines
    }

    @Test func everyCutIntoTwoOrThreeBuffersGivesTheSameLines() {
        let bytes = Array(Self.body.utf8)
        #expect(split([bytes]) == Self.expected)
        for first in 0...bytes.count {
            #expect(split([Array(bytes[..<first]), Array(bytes[first...])]) == Self.expected, "cut at \(first)")
            for second in first...bytes.count {
                let pieces = [Array(bytes[..<first]), Array(bytes[first..<second]), Array(bytes[second...])]
                #expect(split(pieces) == Self.expected, "cuts at \(first) and \(second)")
            }
        }
    }

    @Test func oneByteBuffersGiveTheSameLines() {
        #expect(split(Self.body.utf8.map { [$0] }) == Self.expected)
    }

    @Test func trailingNewlineAndEmptyBodiesGiveNoExtraLine() {
        #expect(split([Array("{}\n".utf8)]) == [.text(number: 1, bytes: Array("{}".utf8))])
        #expect(split([]).isEmpty)
        #expect(split([[]]).isEmpty)
        #expect(split([Array("\n\r\n  \n".utf8)]).isEmpty)
    }

    @Test func aLineOverTheLimitIsReportedWithItsLengthAndTheNextLineIsIntact() {
        let long = String(repeating: "x", count: 100)
        let lines = split(Array("ok\r\n\(long)\r\nfine\n\(long)".utf8).map { [$0] }, maxLineBytes: 10)
        #expect(lines == [
            .text(number: 1, bytes: Array("ok".utf8)),
            .tooLong(number: 2, bytes: 100),
            .text(number: 3, bytes: Array("fine".utf8)),
            .tooLong(number: 4, bytes: 100),
        ])
        let exactly = String(repeating: "y", count: 10)
        #expect(split([Array("\(exactly)\r\n\(exactly)x\n".utf8)], maxLineBytes: 10) == [
            .text(number: 1, bytes: Array(exactly.utf8)), .tooLong(number: 2, bytes: 11),
        ])
    }
}
