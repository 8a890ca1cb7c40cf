import ArrwIndex
import ArrwTestSupport
import CArrwKernels
import Testing

@Suite("KDTreeIndex")
struct KDTreeIndexTests {
    /// A KD-tree and a brute-force index holding the same `n` seeded vectors under scattered keys
    /// (`i * 7 + 1`, shuffled). `grid` draws coordinates from {−1, 0, 1} instead, so that many
    /// distances tie and the tie order (smaller key first) is exercised.
    private func makePair(metric: DistanceMetric, dimension: Int, n: Int, leafSize: Int = 8, grid: Bool = false,
                          using generator: inout SeededGenerator) -> (KDTreeIndex, BruteForceIndex) {
        let tree = KDTreeIndex(dimension: dimension, metric: metric, leafSize: leafSize)
        let brute = BruteForceIndex(dimension: dimension, metric: metric)
        for i in (0..<UInt64(n)).shuffled(using: &generator) {
            var v = randomVector(dimension: dimension, using: &generator)
            if grid { v = v.map { ($0 * 1.5).rounded() } }
            if metric == .cosine && v.allSatisfy({ $0 == 0 }) { v[0] = 1 }
            tree.add(key: i * 7 + 1, vector: v)
            brute.add(key: i * 7 + 1, vector: v)
        }
        return (tree, brute)
    }

    private func expectSame(_ tree: KDTreeIndex, _ brute: BruteForceIndex, query: [Float], k: Int,
                            filter: ((UInt64) -> Bool)? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let got = tree.search(query: query, k: k, filter: filter)
        let expected = brute.search(query: query, k: k, filter: filter)
        #expect(got == expected, sourceLocation: sourceLocation)
    }

    @Test("equals brute force exactly (keys, order, scores)", arguments: DistanceMetric.allCases)
    func matchesBruteForce(metric: DistanceMetric) {
        for (dimension, grid) in [(1, false), (2, false), (3, true), (5, false), (16, false), (40, false)] {
            var generator = SeededGenerator(seed: 31 + UInt64(dimension))
            let (tree, brute) = makePair(metric: metric, dimension: dimension, n: 1500, grid: grid, using: &generator)
            #expect(tree.count == 1500)
            for _ in 0..<8 {
                var query = randomVector(dimension: dimension, using: &generator)
                if grid { query = query.map { ($0 * 1.5).rounded() } }
                if metric == .cosine && query.allSatisfy({ $0 == 0 }) { query[0] = 1 }
                for k in [1, 10, 1600] { expectSame(tree, brute, query: query, k: k) }
            }
            // A stored vector finds itself (or an identical one) first.
            let own = brute.vector(for: 8)!
            expectSame(tree, brute, query: own, k: 5)
        }
    }

    @Test("filtered searches equal brute force exactly", arguments: DistanceMetric.allCases)
    func filters(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 32)
        let (tree, brute) = makePair(metric: metric, dimension: 4, n: 1200, using: &generator)
        let third: (UInt64) -> Bool = { $0 % 3 == 0 }
        let rare: (UInt64) -> Bool = { $0 % 101 == 0 }
        for _ in 0..<6 {
            let query = randomVector(dimension: 4, using: &generator)
            expectSame(tree, brute, query: query, k: 10, filter: third)
            expectSame(tree, brute, query: query, k: 10, filter: rare)
            expectSame(tree, brute, query: query, k: 50, filter: rare)
        }
    }

    @Test("adds, replacements and removes after the build stay exact", arguments: DistanceMetric.allCases)
    func mutations(metric: DistanceMetric) {
        var generator = SeededGenerator(seed: 33)
        let (tree, brute) = makePair(metric: metric, dimension: 3, n: 400, leafSize: 4, using: &generator)
        // Many adds into one corner (forcing leaf splits), replacements, removals, re-adds.
        for step in 0..<600 {
            let key = UInt64(generator.next() % 5000)
            switch step % 4 {
            case 0, 1:
                let v = randomVector(dimension: 3, using: &generator).map { $0 * 0.05 + 0.9 }
                tree.add(key: key, vector: v)
                brute.add(key: key, vector: v)
            case 2:
                #expect(tree.remove(key: key) == brute.remove(key: key))
            default:
                let existing = UInt64(7 * (generator.next() % 400) + 1)
                let v = randomVector(dimension: 3, using: &generator)
                tree.add(key: existing, vector: v)
                brute.add(key: existing, vector: v)
            }
            if step % 50 == 0 {
                #expect(tree.count == brute.count)
                let query = randomVector(dimension: 3, using: &generator)
                expectSame(tree, brute, query: query, k: 10)
                expectSame(tree, brute, query: [0.9, 0.9, 0.9], k: 7)
            }
        }
        #expect(!tree.remove(key: 999_999))
        tree.optimize()
        for _ in 0..<10 { expectSame(tree, brute, query: randomVector(dimension: 3, using: &generator), k: 10) }
        for key in 0..<UInt64(5000) where brute.contains(key: key) {
            #expect(tree.vector(for: key) == brute.vector(for: key))
        }
    }

    @Test("the payload keeps leafSize; inconsistent fields behind a valid checksum throw")
    func payloadFields() throws {
        var generator = SeededGenerator(seed: 35)
        let (tree, _) = makePair(metric: .l2, dimension: 3, n: 200, using: &generator)
        let bytes = IndexCodec.encode(tree)
        #expect(try (IndexCodec.decode(bytes) as? KDTreeIndex)?.leafSize == 8)
        // Payload offsets: 16 envelope + 4 dim + 1 metric + 4 leafSize + 8 count + 8 built = 41 keys.
        let keysStart = 41, vectorsStart = 41 + 200 * 8, nodesStart = vectorsStart + 200 * 3 * 4 + 8
        let changes: [(inout [UInt8]) -> Void] = [
            { $0[16] = 0 },                                   // dimension 0
            { $0[20] = 7 },                                   // unknown metric
            { $0[keysStart + 8] = $0[keysStart] ; for i in 1..<8 { $0[keysStart + 8 + i] = $0[keysStart + i] } }, // duplicate key
            { $0[vectorsStart + 3] = 0x7F; $0[vectorsStart + 2] = 0xC0 },   // NaN component
            { $0[nodesStart + 8] = 0 ; $0[nodesStart + 9] = 0; $0[nodesStart + 10] = 0; $0[nodesStart + 11] = 0 }, // root's left child = 0
            { for (i, byte) in withUnsafeBytes(of: Float(10).bitPattern.littleEndian, Array.init).enumerated() {
                $0[nodesStart + 4 + i] = byte
            } },                                              // root split at 10: its right side is empty
            { $0[bytes.count - 8] = 0xFF },                  // a leaf row out of range
        ]
        for change in changes {
            #expect(throws: IndexFormatError.self) { try IndexCodec.decode(resealed(bytes, change)) }
        }
    }
}
