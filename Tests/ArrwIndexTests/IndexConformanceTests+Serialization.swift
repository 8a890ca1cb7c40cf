import ArrwIndex
import ArrwTestSupport
import Testing

extension IndexConformanceTests {
    /// Sizes on both sides of the data-dependent thresholds at the defaults: LSH fits its l2
    /// buckets at 256 vectors, IVF trains at 400, the KD-tree rebuilds past 128.
    static let roundTripSizes = [100, 700]

    @Test("serialization round trip answers identically, re-encodes to the same bytes and keeps its state",
          arguments: IndexKind.all, DistanceMetric.allCases)
    func serializationRoundTrip(kind: IndexKind, metric: DistanceMetric) throws {
        for count in Self.roundTripSizes {
            let (index, vectors) = filled(kind, metric: metric, count: count, dimension: 10, seed: UInt64(count))
            for key in stride(from: UInt64(5), to: UInt64(count), by: 9) { index.remove(key: key) }
            let bytes = try IndexCodec.encode(any: index)
            let decoded = try IndexCodec.decode(bytes)
            #expect(type(of: decoded) == type(of: index))
            #expect(decoded.count == index.count && decoded.dimension == 10 && decoded.metric == metric)
            #expect(!decoded.contains(key: 5) && decoded.contains(key: 6))
            #expect(try IndexCodec.encode(any: decoded) == bytes)
            for query in vectors.prefix(10) {
                #expect(decoded.search(query: query, k: 10, filter: nil) == index.search(query: query, k: 10, filter: nil))
                #expect(decoded.search(query: query, k: 10, filter: { $0 % 3 == 0 })
                        == index.search(query: query, k: 10, filter: { $0 % 3 == 0 }))
            }
            // Whatever drives later changes (level generator, training and rebuild counts) survives.
            for (offset, vector) in vectors.prefix(20).enumerated() {
                index.add(key: 100_000 + UInt64(offset), vector: Array(vector.reversed()))
                decoded.add(key: 100_000 + UInt64(offset), vector: Array(vector.reversed()))
            }
            #expect(try IndexCodec.encode(any: decoded) == IndexCodec.encode(any: index), "\(count) vectors")
        }
    }

    @Test("damaged bytes throw, never trap", arguments: IndexKind.all, DistanceMetric.allCases)
    func damagedBytesThrow(kind: IndexKind, metric: DistanceMetric) throws {
        let (index, vectors) = filled(kind, metric: metric, count: 300, dimension: 4)
        for key in stride(from: UInt64(0), to: 300, by: 11) { index.remove(key: key) }
        let bytes = try IndexCodec.encode(any: index)
        #expect(throws: IndexFormatError.truncated) { try IndexCodec.decode(Array(bytes.dropLast(9))) }
        #expect(throws: IndexFormatError.truncated) { try IndexCodec.decode(Array(bytes.prefix(19))) }
        var magic = bytes
        magic[1] ^= 0x01
        #expect(throws: IndexFormatError.badMagic) { try IndexCodec.decode(magic) }
        var flipped = bytes
        flipped[bytes.count / 3] ^= 0x10
        #expect(throws: IndexFormatError.checksumMismatch) { try IndexCodec.decode(flipped) }

        // Behind a valid checksum: a payload cut short throws; a damaged one throws or loads an
        // index that can be searched.
        let serializable = try #require(index as? any SerializableIndex)
        var writer = ByteWriter()
        serializable.writePayload(to: &writer)
        let payload = writer.bytes
        for cut in [0, 5, 30, payload.count / 3, payload.count - 1] {
            var reader = ByteReader(Array(payload.prefix(cut)))
            #expect(throws: IndexFormatError.self) { try type(of: serializable).readPayload(from: &reader) }
        }
        var generator = SeededGenerator(seed: 13)
        for _ in 0..<200 {
            let position = 16 + Int.random(in: 0..<payload.count, using: &generator)
            let mask = UInt8.random(in: 1...255, using: &generator)
            guard let survivor = try? IndexCodec.decode(resealed(bytes, { $0[position] ^= mask })),
                  survivor.count > 0 else { continue }
            let query = survivor.dimension == vectors[0].count ? vectors[0] : [Float](repeating: 0.5, count: survivor.dimension)
            _ = survivor.search(query: query, k: 5, filter: nil)
        }
    }
}
