import ArrwIndex
import ArrwTestSupport
import Testing

/// The reference: sort everything, keep the first k.
func fullSortTopK(_ candidates: [Neighbor], k: Int) -> [Neighbor] {
    Array(candidates.sorted { $0.ranksBefore($1) }.prefix(k))
}

@Suite("TopKHeap")
struct TopKHeapTests {
    @Test("equals a full sort, with many ties, for k from 1 to beyond n", arguments: [1, 2, 3, 7, 10, 99, 100, 101, 250])
    func matchesFullSort(k: Int) {
        var generator = SeededGenerator(seed: 0x7095 &+ UInt64(k))
        for round in 0..<20 {
            let n = 100
            let keys = (0..<UInt64(n)).map { $0 * 3 + 1 }.shuffled(using: &generator)
            // Only 8 distinct scores in half of the rounds, so ties are everywhere.
            let distinct = round.isMultiple(of: 2) ? 8 : 1_000_000
            let candidates = keys.map {
                Neighbor(key: $0, score: Float(Int.random(in: 0..<distinct, using: &generator)) / 4 - 1)
            }
            var heap = TopKHeap(k: k)
            for candidate in candidates {
                heap.insert(key: candidate.key, score: candidate.score)
                #expect(heap.isValid)
            }
            #expect(heap.count == min(k, n))
            #expect(heap.sortedNearestFirst() == fullSortTopK(candidates, k: k))
        }
    }

    @Test("the result does not depend on insertion order")
    func orderIndependent() {
        var generator = SeededGenerator(seed: 5)
        let candidates = (0..<64).map { Neighbor(key: UInt64($0), score: Float($0 % 4)) }
        var reference: [Neighbor]?
        for _ in 0..<10 {
            var heap = TopKHeap(k: 9)
            for candidate in candidates.shuffled(using: &generator) {
                heap.insert(key: candidate.key, score: candidate.score)
            }
            let result = heap.sortedNearestFirst()
            if let reference { #expect(result == reference) } else { reference = result }
        }
        // Score 3 is held by keys 3, 7, 11, ... (16 keys): the 9 smallest win.
        #expect(reference?.map(\.key) == [3, 7, 11, 15, 19, 23, 27, 31, 35])
    }

    @Test("k = 1 keeps the single best, smaller key on a tie")
    func kIsOne() {
        var heap = TopKHeap(k: 1)
        heap.insert(key: 9, score: 0.5)
        heap.insert(key: 4, score: 0.25)
        heap.insert(key: 7, score: 0.5)
        heap.insert(key: 8, score: 0.5)
        #expect(heap.sortedNearestFirst() == [Neighbor(key: 7, score: 0.5)])
    }

    @Test("threshold is -infinity until full, then the worst kept score")
    func threshold() {
        var heap = TopKHeap(k: 3)
        #expect(heap.threshold == -.infinity)
        heap.insert(key: 1, score: 5)
        heap.insert(key: 2, score: 1)
        #expect(heap.threshold == -.infinity)
        heap.insert(key: 3, score: 3)
        #expect(heap.threshold == 1)
        heap.insert(key: 4, score: 0)
        #expect(heap.threshold == 1, "a worse candidate changes nothing")
        heap.insert(key: 5, score: 4)
        #expect(heap.threshold == 3)
        #expect(heap.sortedNearestFirst().map(\.key) == [1, 5, 3])
    }

    @Test("fewer candidates than k, and no candidates")
    func underfull() {
        var heap = TopKHeap(k: 10)
        #expect(heap.count == 0)
        heap.insert(key: 2, score: -1)
        heap.insert(key: 1, score: 2)
        #expect(heap.sortedNearestFirst() == [Neighbor(key: 1, score: 2), Neighbor(key: 2, score: -1)])
        #expect(TopKHeap(k: 4).sortedNearestFirst().isEmpty)
    }

    @Test("NaN scores are ignored; infinite scores rank at the ends")
    func specialScores() {
        var heap = TopKHeap(k: 3)
        heap.insert(key: 1, score: .nan)
        heap.insert(key: 2, score: -.infinity)
        heap.insert(key: 3, score: .infinity)
        heap.insert(key: 4, score: 0)
        #expect(heap.count == 3)
        #expect(heap.sortedNearestFirst().map(\.key) == [3, 4, 2])
    }
}
