import ArrwIndex
import ArrwTestSupport
import CArrwKernels
import Testing

@Suite struct IndexCodecTests {
    private func sampleIndex() -> BruteForceIndex {
        var generator = SeededGenerator(seed: 11)
        let index = BruteForceIndex(dimension: 12, metric: .l2)
        for (key, vector) in randomVectors(count: 200, dimension: 12, using: &generator).enumerated() {
            index.add(key: UInt64(key * 3 + 1), vector: vector)
        }
        index.remove(key: 4)
        return index
    }

    /// Truncation, a flipped byte and a wrong magic are in the conformance suite, for every type.
    @Test("the envelope's version and type tag, and the brute-force payload, are checked behind the checksum")
    func envelopeFields() throws {
        let bytes = IndexCodec.encode(sampleIndex())
        #expect(throws: IndexFormatError.unsupportedVersion(2)) { try IndexCodec.decode(resealed(bytes) { $0[4] = 2 }) }
        #expect(throws: IndexFormatError.unknownIndexType(99)) { try IndexCodec.decode(resealed(bytes) { $0[6] = 99 }) }
        #expect(throws: IndexFormatError.self) { try IndexCodec.decode(resealed(bytes) { $0[16] = 0 }) }
        #expect(throws: IndexFormatError.self) { try IndexCodec.decode(resealed(bytes) { $0[20] = 7 }) }
    }

    @Test func crc32cMatchesTheKnownCheckValue() {
        let check = Array("123456789".utf8).withUnsafeBytes { arrw_crc32c(0, $0.baseAddress, $0.count) }
        #expect(check == 0xE306_9283)
        let split = Array("123456789".utf8).withUnsafeBytes { bytes in
            arrw_crc32c(arrw_crc32c(0, bytes.baseAddress, 4), bytes.baseAddress! + 4, 5)
        }
        #expect(split == 0xE306_9283)
    }
}
