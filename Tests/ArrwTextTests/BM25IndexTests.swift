import ArrwTestSupport
import ArrwText
import Foundation
import Testing

/// The BM25 index against a naive reference that scores every live document from scratch,
/// on random corpora, after adds, replaces and removes.
@Suite struct BM25IndexTests {
    /// Lucene's BM25 by brute force over `documents`.
    func reference(_ documents: [UInt64: [String]], query: [String], k1: Double = 0.9, b: Double = 0.4) -> [UInt64: Double] {
        let count = Double(documents.count)
        let average = Double(documents.values.reduce(0) { $0 + $1.count }) / count
        var scores: [UInt64: Double] = [:]
        for term in query {
            let frequency = Double(documents.values.filter { $0.contains(term) }.count)
            guard frequency > 0 else { continue }
            let idf = log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for (key, terms) in documents {
                let tf = Double(terms.filter { $0 == term }.count)
                guard tf > 0 else { continue }
                let length = Double(terms.count) / average
                let norm = k1 * (1 - b + b * length)
                scores[key, default: 0] += idf * tf / (tf + norm)
            }
        }
        return scores
    }

    func randomTerms(_ generator: inout SeededGenerator, vocabulary: Int) -> [String] {
        (0..<Int.random(in: 1...30, using: &generator)).map { _ in
            // A skewed vocabulary: a few common terms, a long tail.
            let rank = Int(Double(vocabulary) * pow(Double.random(in: 0..<1, using: &generator), 3))
            return "t\(rank)"
        }
    }

    @Test("scores equal the reference after adds, replaces and removes", arguments: [1, 2, 3])
    func equalsTheReference(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let index = BM25Index()
        var documents: [UInt64: [String]] = [:]
        for round in 0..<4 {
            for _ in 0..<300 {
                let key = UInt64.random(in: 0..<400, using: &generator)
                let terms = randomTerms(&generator, vocabulary: 200)
                index.add(key: key, terms: terms)
                documents[key] = terms
            }
            for _ in 0..<(round * 40) {
                let key = UInt64.random(in: 0..<400, using: &generator)
                #expect(index.remove(key: key) == (documents.removeValue(forKey: key) != nil))
            }
            #expect(index.count == documents.count)
            #expect(index.termCount == Set(documents.values.joined()).count, "terms of live documents only")
            for _ in 0..<20 {
                let query = (0..<Int.random(in: 1...4, using: &generator)).map { _ in "t\(Int.random(in: 0..<220, using: &generator))" }
                let expected = reference(documents, query: query)
                let found = index.search(terms: query, k: 1000)
                #expect(found.count == expected.count, "every document holding a query term scores")
                for (key, score) in found {
                    #expect(abs(score - (expected[key] ?? .nan)) < 1e-9, "key \(key) for \(query)")
                }
                for key in documents.keys.prefix(30) {
                    #expect(abs(index.score(terms: query, key: key) - (expected[key] ?? 0)) < 1e-9, "one document's score, key \(key)")
                }
                let ranked = expected.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map(\.key)
                #expect(index.search(terms: query, k: 10).map(\.key) == Array(ranked))
            }
        }
    }

    @Test("pruned top-k (MaxScore) equals ranking every document, with and without a filter", arguments: [1, 10, 50])
    func prunedTopKEqualsTheReference(k: Int) {
        var generator = SeededGenerator(seed: UInt64(100 + k))
        let index = BM25Index()
        var documents: [UInt64: [String]] = [:]
        for key in 0..<3000 as Range<UInt64> {
            let terms = randomTerms(&generator, vocabulary: 500)
            index.add(key: key, terms: terms)
            documents[key] = terms
        }
        for key in stride(from: 0, to: 3000, by: 7) as StrideTo<UInt64> {
            index.remove(key: key)
            documents[key] = nil
        }
        for _ in 0..<40 {
            let query = (0..<Int.random(in: 1...6, using: &generator)).map { _ in "t\(Int.random(in: 0..<500, using: &generator))" }
            let expected = reference(documents, query: query).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let found = index.search(terms: query, k: k)
            #expect(found.map(\.key) == expected.prefix(k).map(\.key), "\(query)")
            #expect(zip(found, expected).allSatisfy { abs($0.score - $1.value) < 1e-9 })
            let odd = expected.filter { $0.key % 2 == 1 }.prefix(k).map(\.key)
            #expect(index.search(terms: query, k: k, allow: { $0 % 2 == 1 }).map(\.key) == Array(odd), "filtered \(query)")
        }
    }

    @Test("a filter keeps only the allowed keys; k and empty cases")
    func filtersAndEdges() {
        let index = BM25Index()
        #expect(index.search(terms: ["a"], k: 5).isEmpty)
        for key in 0..<10 as Range<UInt64> { index.add(key: key, terms: key % 2 == 0 ? ["even", "word"] : ["odd", "word"]) }
        #expect(index.search(terms: ["word"], k: 3, allow: { $0 >= 7 }).map(\.key) == [7, 8, 9])
        #expect(index.search(terms: ["missing"], k: 3).isEmpty && index.search(terms: ["word"], k: 0).isEmpty)
        #expect(index.search(terms: ["even"], k: 10).map(\.key) == [0, 2, 4, 6, 8])
        index.add(key: 0, terms: ["odd"])
        #expect(index.search(terms: ["even"], k: 10).map(\.key) == [2, 4, 6, 8], "a replaced document leaves its old terms")
        #expect(!index.remove(key: 42) && index.count == 10)
    }

    @Test("the encoded index decodes to the same scores, terms and counts; damage is an error")
    func encodingRoundTrips() throws {
        var generator = SeededGenerator(seed: 9)
        let index = BM25Index()
        for _ in 0..<500 { index.add(key: UInt64.random(in: 0..<300, using: &generator), terms: randomTerms(&generator, vocabulary: 150)) }
        for _ in 0..<80 { index.remove(key: UInt64.random(in: 0..<300, using: &generator)) }
        let bytes = index.encoded()
        let decoded = try BM25Index(encoded: bytes)
        #expect(decoded.count == index.count && decoded.termCount == index.termCount && decoded.k1 == index.k1 && decoded.b == index.b)
        for _ in 0..<30 {
            let query = (0..<3).map { _ in "t\(Int.random(in: 0..<160, using: &generator))" }
            let (a, b) = (index.search(terms: query, k: 20), decoded.search(terms: query, k: 20))
            #expect(a.map(\.key) == b.map(\.key) && a.map(\.score) == b.map(\.score))
        }
        // Both keep changing alike: the free slots and term ids came back as they were.
        let terms = randomTerms(&generator, vocabulary: 170)
        for copy in [index, decoded] { copy.add(key: 1_000, terms: terms); copy.remove(key: 5) }
        #expect(index.encoded() == decoded.encoded())
        #expect(throws: BM25FormatError.self) { try BM25Index(encoded: Array(bytes.dropLast(3))) }
        #expect(throws: BM25FormatError.self) { try BM25Index(encoded: bytes + [0]) }
        var wrongVersion = bytes
        wrongVersion[0] = 9
        #expect(throws: BM25FormatError.self) { try BM25Index(encoded: wrongVersion) }
    }
}
