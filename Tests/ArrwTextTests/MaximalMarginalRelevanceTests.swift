import ArrwText
import Testing

/// MMR's picks against the definition, scored by brute force.
@Suite struct MaximalMarginalRelevanceTests {
    /// Points on a line: relevance falls with the position, similarity with the distance.
    static let positions: [Double] = [0, 0.01, 0.02, 0.5, 0.51, 1.0, 1.5]
    static let relevance = positions.map { 1 - $0 / 2 }
    static func similarity(_ i: Int, _ j: Int) -> Double { max(0, 1 - abs(positions[i] - positions[j])) }

    @Test func lambdaOneIsRelevanceOrder() {
        let picked = MaximalMarginalRelevance.select(relevance: Self.relevance, count: 5, lambda: 1, similarity: Self.similarity)
        #expect(picked.map(\.index) == [0, 1, 2, 3, 4])
        #expect(picked.map(\.score) == Array(Self.relevance.prefix(5)))
    }

    @Test func lowerLambdaSkipsNearDuplicates() {
        let picked = MaximalMarginalRelevance.select(relevance: Self.relevance, count: 3, lambda: 0.5, similarity: Self.similarity)
        #expect(picked.map(\.index) == [0, 5, 3], "after the best, the points far from it, not its near-copies 1 and 2")
        // Each pick maximises the marginal score over what is left, as the definition says.
        var chosen: [Int] = []
        for pick in picked {
            let best = Self.relevance.indices.filter { !chosen.contains($0) }.map { candidate in
                0.5 * Self.relevance[candidate] - 0.5 * (chosen.map { Self.similarity(candidate, $0) }.max() ?? 0)
            }.max()!
            #expect(abs(pick.score - best) < 1e-12)
            chosen.append(pick.index)
        }
    }

    @Test func edges() {
        #expect(MaximalMarginalRelevance.select(relevance: [], count: 3, lambda: 0.5, similarity: { _, _ in 0 }).isEmpty)
        #expect(MaximalMarginalRelevance.select(relevance: [0.2, 0.9], count: 5, lambda: 0.7, similarity: { _, _ in 0 }).map(\.index) == [1, 0])
    }
}
