import ArrwIndex

/// One search result, with the API's `distance` and `score` (see `DistanceMetric`).
public struct SearchHit: Sendable {
    public var chunk: Chunk
    public var documentId: String
    public var distance: Double
    public var score: Double
}

extension LibraryStore {
    /// The `k` nearest chunks to `vector` passing `filter` (exact for brute force and KD-tree,
    /// approximate otherwise), nearest first, cut at `distanceThreshold` (an API distance).
    /// Returns `k` hits whenever at least `k` chunks pass (see `plannedSearch`). An empty
    /// library answers no results.
    func search(
        vector: [Float], k: Int, filter: Filter?, distanceThreshold: Double?, includeEmbeddings: Bool,
        options: SearchOptions = SearchOptions()
    ) throws -> [SearchHit] {
        try lock.withReadLock {
            guard let index, let dimension = settings.dimension else { return [] }
            guard vector.count == dimension else {
                throw EngineError.dimensionMismatch(expected: dimension, actual: vector.count, field: "query_vector")
            }
            let neighbors = plannedSearch(index, vector: vector, k: k, filter: filter, options: options)
            let metric = settings.metric
            return neighbors.compactMap { neighbor in
                let distance = metric.apiDistance(fromScore: neighbor.score)
                if let distanceThreshold, distance > distanceThreshold { return nil }
                let chunk = makeChunk(key: neighbor.key, includeEmbedding: includeEmbeddings)
                return SearchHit(
                    chunk: chunk, documentId: chunk.documentId, distance: distance,
                    score: metric.apiScore(fromScore: neighbor.score))
            }
        }
    }
}

extension LibraryStore {
    /// Estimated pass rate under which a filtered search scores the passing chunks exactly
    /// instead of walking an approximate index with the filter as an allow-list.
    static let exactScanBelowPassRate = 0.05
    /// Chunks sampled to estimate a filter's pass rate.
    static let filterSampleSize = 256

    /// Whether a chunk key passes `filter` (a key with no chunk does not): the allow-list the
    /// indexes and the keyword index take.
    func allowList(_ filter: Filter) -> (UInt64) -> Bool {
        { key in self.chunks[key].map(filter.matches) ?? false }
    }

    /// The `k` nearest to `vector` passing `filter` from the index (`plannedIndexSearch`) and the
    /// fresh tail (exactly), merged. Runs under the read lock.
    func plannedSearch(_ index: any VectorIndex, vector: [Float], k: Int, filter: Filter?, options: SearchOptions) -> [Neighbor] {
        let found = plannedIndexSearch(index, vector: vector, k: k, filter: filter, options: options)
        return mergingTail(found, query: vector, k: k, allow: filter.map(allowList))
    }

    /// The search planner of the index. Without a filter, or on the brute-force index (whose
    /// scan already checks the filter only for rows that would make the top k), the index
    /// answers directly.
    /// On other indexes a filter's pass rate is estimated from a sample of chunks: when few pass,
    /// the passing chunks are collected and scored exactly; otherwise the index searches with the
    /// filter as an allow-list, and should it return fewer than `k` (an approximate index can),
    /// the passing chunks are scored exactly. Either way `k` hits come back whenever `k` pass.
    /// Runs under the read lock.
    private func plannedIndexSearch(
        _ index: any VectorIndex, vector: [Float], k: Int, filter: Filter?, options: SearchOptions
    ) -> [Neighbor] {
        guard let filter else { return index.search(query: vector, k: k, filter: nil, options: options) }
        let allow = allowList(filter)
        if index is BruteForceIndex { return index.search(query: vector, k: k, filter: allow, options: options) }
        if estimatedPassRate(filter) >= Self.exactScanBelowPassRate {
            let found = index.search(query: vector, k: k, filter: allow, options: options)
            if found.count >= min(k, index.count) { return found }
        }
        let passing = chunks.compactMap { key, chunk in filter.matches(chunk) ? key : nil }
        return passing.isEmpty ? [] : index.exactSearch(query: vector, k: k, among: passing)
    }

    /// The share of a sample of chunks that pass: the chunks at up to `4 × filterSampleSize`
    /// evenly spaced keys in `1..<nextKey` (every key handed out), until `filterSampleSize` are found (a key whose
    /// chunk was replaced or deleted is passed over). Keys are handed out in insertion order and
    /// restored exactly by snapshots and replay, so the sample spans old and new data alike, is
    /// the same after a restart (a plan near the threshold never flips), and costs O(sample).
    /// With no sample (nearly every key probed is gone) the index is tried first.
    private func estimatedPassRate(_ filter: Filter) -> Double {
        let handedOut = nextKey - 1
        let probes = min(handedOut, UInt64(4 * Self.filterSampleSize))
        guard probes > 0 else { return 1 }
        var sampled = 0
        var passed = 0
        for probe in 0..<probes where sampled < Self.filterSampleSize {
            guard let chunk = chunks[1 + probe * handedOut / probes] else { continue }
            sampled += 1
            if filter.matches(chunk) { passed += 1 }
        }
        return sampled == 0 ? 1 : Double(passed) / Double(sampled)
    }
}
