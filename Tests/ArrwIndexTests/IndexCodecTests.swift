import ArrwIndex
import ArrwTestSupport
import CArrwKernels
import Testing

@Suite struct IndexCodecTests {
    private func sampleIndex(metric: DistanceMetric) -> BruteForceIndex {
        var generator = SeededGenerator(seed: 11)
        let index = BruteForceIndex(dimension: 12, metric: metric)
        for (key, vector) in randomVectors(count: 200, dimension: 12, using: &generator).enumerated() {
            index.add(key: UInt64(key * 3 + 1), vector: vector)
        }
        index.remove(key: 4)
        return index
    }

    @Test(arguments: DistanceMetric.allCases)
    func bruteForceRoundTripAnswersIdentically(metric: DistanceMetric) throws {
        let index = sampleIndex(metric: metric)
        let decoded = try IndexCodec.decode(IndexCodec.encode(index))
        #expect(decoded is BruteForceIndex)
        #expect(decoded.count == index.count)
        #expect(decoded.metric == metric)
        #expect(decoded.dimension == 12)
        #expect(!decoded.contains(key: 4))
        var generator = SeededGenerator(seed: 5)
        for query in randomVectors(count: 10, dimension: 12, using: &generator) {
            #expect(decoded.search(query: query, k: 7, filter: nil) == index.search(query: query, k: 7, filter: nil))
        }
    }

    @Test func damagedBytesAreErrorsNotCrashes() throws {
        let bytes = IndexCodec.encode(sampleIndex(metric: .l2))
        #expect(throws: IndexFormatError.truncated) { try IndexCodec.decode(Array(bytes.prefix(10))) }
        #expect(throws: IndexFormatError.truncated) { try IndexCodec.decode(Array(bytes.dropLast(100))) }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        #expect(throws: IndexFormatError.checksumMismatch) { try IndexCodec.decode(flipped) }
        var magic = bytes
        magic[0] = 0x58
        #expect(throws: IndexFormatError.badMagic) { try IndexCodec.decode(magic) }
        #expect(throws: IndexFormatError.unsupportedVersion(2)) { try IndexCodec.decode(resealed(bytes) { $0[4] = 2 }) }
        #expect(throws: IndexFormatError.unknownIndexType(99)) { try IndexCodec.decode(resealed(bytes) { $0[6] = 99 }) }
        #expect(throws: IndexFormatError.self) { try IndexCodec.decode(resealed(bytes) { $0[16] = 0 }) }
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
