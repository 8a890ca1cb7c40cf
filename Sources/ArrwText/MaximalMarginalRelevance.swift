/// Maximal marginal relevance (J. Carbonell and J. Goldstein, "The use of MMR, diversity-based
/// reranking for reordering documents and producing summaries", SIGIR 1998): picks, one at a
/// time, the candidate that maximises `lambda · relevance(i) − (1 − lambda) · max over the
/// picked j of similarity(i, j)`. `lambda` 1 is plain relevance order; lower values trade
/// relevance for results that differ from the ones already picked.
public enum MaximalMarginalRelevance {
    /// The order MMR picks `count` of the candidates in, each with its marginal score when it
    /// was picked; ties go to the earlier candidate. `relevance[i]` is candidate i's relevance
    /// to the query and `similarity(i, j)` that of two candidates, on the same scale.
    public static func select(
        relevance: [Double], count: Int, lambda: Double, similarity: (Int, Int) -> Double
    ) -> [(index: Int, score: Double)] {
        let wanted = min(count, relevance.count)
        var picked: [(index: Int, score: Double)] = []
        picked.reserveCapacity(wanted)
        var remaining = Array(relevance.indices)
        // The largest similarity of each candidate to anything picked so far.
        var redundancy = [Double](repeating: -.infinity, count: relevance.count)
        while picked.count < wanted {
            var bestPosition = 0
            var bestScore = -Double.infinity
            for (position, candidate) in remaining.enumerated() {
                let penalty = picked.isEmpty ? 0 : redundancy[candidate]
                let score = lambda * relevance[candidate] - (1 - lambda) * penalty
                if score > bestScore {
                    (bestPosition, bestScore) = (position, score)
                }
            }
            let chosen = remaining.remove(at: bestPosition)
            picked.append((chosen, bestScore))
            for candidate in remaining { redundancy[candidate] = max(redundancy[candidate], similarity(candidate, chosen)) }
        }
        return picked
    }
}
