import ArrwTestSupport
import Foundation
import Testing

/// Writes `bytes` to a fresh file in the temporary folder and returns its path.
func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "arrw-\(UUID().uuidString).vecs"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// The little-endian bytes of a texmex file whose rows are `rows` (as 32-bit words).
func texmexBytes(_ rows: [[UInt32]]) -> [UInt8] {
    rows.flatMap { row in
        ([UInt32(row.count)] + row).flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) } }
    }
}

@Suite("VectorFile")
struct VectorFileTests {
    @Test("reads .fvecs and .ivecs rows back in order")
    func roundTrip() throws {
        let floats: [[Float]] = [[1, -2.5, 3], [0.25, 4, -8]]
        let path = try temporaryFile(texmexBytes(floats.map { $0.map(\.bitPattern) }))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let read = try VectorFile.readFvecs(path: path)
        #expect(read.dimension == 3)
        #expect(read.values == [1, -2.5, 3, 0.25, 4, -8])

        let ints: [[Int32]] = [[7, -1], [0, 42], [3, 3]]
        let intPath = try temporaryFile(texmexBytes(ints.map { $0.map { UInt32(bitPattern: $0) } }))
        defer { try? FileManager.default.removeItem(atPath: intPath) }
        let readInts = try VectorFile.readIvecs(path: intPath)
        #expect(readInts.dimension == 2)
        #expect(readInts.values == [7, -1, 0, 42, 3, 3])
    }

    @Test("a truncated file, a row of another length and a zero length are errors",
          arguments: [
            Array(texmexBytes([[1, 2]]).dropLast()),
            texmexBytes([[1, 2]]) + texmexBytes([[1]]) + texmexBytes([[1]]) + [0, 0, 0, 0],
            [0, 0, 0, 0],
            [1, 0],
          ])
    func malformed(bytes: [UInt8]) throws {
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: VectorFileError.self) { try VectorFile.readFvecs(path: path) }
    }

    @Test("a missing file throws")
    func missing() {
        #expect(throws: (any Error).self) { try VectorFile.readFvecs(path: "/nonexistent/arrw.fvecs") }
    }
}
