import ArrwTestSupport
import CArrwKernels
import Testing
@testable import ArrwIndex

/// ``ScreenedScan`` (int8 first pass, exact second pass) against ``ExactScan`` on the same rows.
@Suite("ScreenedScan")
struct ScreenedScanTests {
    /// Both scans of `index` for `query`, the screened one and the plain one.
    func bothScans(_ index: BruteForceIndex, _ query: [Float], k: Int, filter: ((UInt64) -> Bool)? = nil) -> ([Neighbor], [Neighbor]) {
        let normalized = index.searchableQuery(query, k: k)
        let screened = ScreenedScan.nearest(to: normalized, k: k, metric: index.metric, store: index.store,
                                            quantized: index.quantized, filter: filter)
        let plain = ExactScan.nearest(to: normalized, k: k, metric: index.metric, store: index.store, filter: filter)
        return (screened, plain)
    }

    @Test("the int8 panel kernel scores like a scalar loop over the widened codes and marks the rows that may reach, dispatched and portable",
          arguments: [1, 7, 8, 50, 384])
    func panelKernel(dimension: Int) {
        var generator = SeededGenerator(seed: 0x18 &+ UInt64(dimension))
        let panels = 3
        let rows = panels * QuantizedRows.panelRows
        let codes = (0..<rows * dimension).map { _ in Int8.random(in: -127...127, using: &generator) }
        let query = (0..<dimension).map { _ in Float(Int.random(in: -16...16, using: &generator)) }
        let scales = (0..<rows).map { _ in Float(Int.random(in: 1...4, using: &generator)) / 4 }
        let bounds = (0..<rows).map { _ in Float(Int.random(in: 0...8, using: &generator)) }
        var expected = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let (panel, lane) = row.quotientAndRemainder(dividingBy: QuantizedRows.panelRows)
            // Small integers: every partial sum is exact in Float, so any summation order agrees.
            expected[row] = (0..<dimension).reduce(Float(0)) { sum, i in
                sum + query[i] * Float(codes[(panel * dimension + i) * QuantizedRows.panelRows + lane])
            }
        }
        let threshold = expected.map { $0 * 0.25 }.sorted()[rows / 2]
        for (name, kernel) in [("dispatched", arrw_screen_panels_i8), ("portable", arrw_screen_panels_i8_portable)] {
            for limit in [-Float.infinity, threshold] {
                var scores = [Float](repeating: .nan, count: rows)
                var masks = [UInt16](repeating: 0, count: panels)
                kernel(query, codes, panels, dimension, scales, bounds, 2, limit, &scores, &masks)
                #expect(scores == expected, "\(name)")
                for row in 0..<rows {
                    let marked = masks[row / QuantizedRows.panelRows] >> (row % QuantizedRows.panelRows) & 1 == 1
                    let upper = expected[row] * scales[row] + 2 * bounds[row]
                    // Exact in Float here; only the 2⁻¹⁸ loosening may mark a row a hair below.
                    #expect(marked == (upper >= limit) || (marked && upper >= limit - (upper.magnitude + 16) * 0x1p-17),
                            "\(name) row \(row)")
                }
            }
        }
    }

    @Test("screening finds exactly what the plain scan finds", arguments: DistanceMetric.allCases)
    func matchesPlainScan(metric: DistanceMetric) {
        for dimension in [2, 50, 128] {
            var generator = SeededGenerator(seed: 0x5C4 &+ UInt64(dimension))
            let index = BruteForceIndex(dimension: dimension, metric: metric)
            let centers = randomVectors(count: 8, dimension: dimension, using: &generator)
            for key in 0..<UInt64(5000) {
                // Clustered, with wide magnitudes, so many scores crowd each other.
                let center = centers[Int(key % 8)]
                let scale = Float.random(in: 0.01...40, using: &generator)
                index.add(key: key * 3 + 1, vector: center.map { $0 * scale + Float.random(in: -0.05...0.05, using: &generator) })
            }
            for _ in 0..<20 {
                let query = randomVector(dimension: dimension, using: &generator)
                for k in [1, 10, 50] {
                    let (screened, plain) = bothScans(index, query, k: k)
                    #expect(screened == plain, "d=\(dimension) k=\(k)")
                }
                let (screened, plain) = bothScans(index, query, k: 10, filter: { $0 % 2 == 0 })
                #expect(screened == plain, "d=\(dimension) filtered")
            }
        }
    }

    @Test("duplicate vectors tie and are broken by key, as in the plain scan", arguments: DistanceMetric.allCases)
    func ties(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 0x71E)
        let index = BruteForceIndex(dimension: 16, metric: metric)
        let few = randomVectors(count: 20, dimension: 16, using: &generator)
        for key in (0..<UInt64(6000)).shuffled(using: &generator) { index.add(key: key, vector: few[Int(key % 20)]) }
        index.add(key: 9_999, vector: [Float](repeating: 0, count: 16))
        for query in few.prefix(5) {
            for k in [5, 40, 90] {
                let (screened, plain) = bothScans(index, query, k: k)
                #expect(screened == plain, "k=\(k)")
            }
        }
    }

    @Test("the quantized rows follow replacements and removals, and search stays exact", arguments: DistanceMetric.allCases)
    func followsMutations(metric: DistanceMetric) throws {
        var generator = SeededGenerator(seed: 0x3D7)
        let index = BruteForceIndex(dimension: 24, metric: metric)
        for key in 0..<UInt64(6000) { index.add(key: key, vector: randomVector(dimension: 24, using: &generator)) }
        for key in stride(from: UInt64(0), to: 6000, by: 3) { index.remove(key: key) }
        for key in stride(from: UInt64(1), to: 6000, by: 7) { index.add(key: key, vector: randomVector(dimension: 24, using: &generator)) }
        #expect(index.quantized.count == index.count)
        var reader = ByteReader(index.payloadBytes())
        let loaded = try BruteForceIndex.readPayload(from: &reader)
        for _ in 0..<20 {
            let query = randomVector(dimension: 24, using: &generator)
            let (screened, plain) = bothScans(index, query, k: 10)
            #expect(screened == plain)
            #expect(index.search(query: query, k: 10, filter: nil) == plain, "the public search screens and agrees")
            #expect(loaded.search(query: query, k: 10, filter: nil) == plain, "a loaded index quantizes its rows again")
        }
    }
}

extension BruteForceIndex {
    /// The payload `writePayload` writes.
    func payloadBytes() -> [UInt8] {
        var writer = ByteWriter()
        writePayload(to: &writer)
        return writer.bytes
    }
}
