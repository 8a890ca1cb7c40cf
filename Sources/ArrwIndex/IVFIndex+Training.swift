extension IVFIndex {
    /// Rows per GEMM call when assigning many vectors (bounds the rows × nlist product buffer).
    static let assignmentBlock = 1024

    /// Installs `values` (`nlist × d` floats, or empty) as the centroids, with their packed form
    /// and squared norms.
    func setCentroids(_ values: [Float]) {
        centroids = values
        guard !values.isEmpty else {
            packedCentroids = nil
            centroidNorms = []
            return
        }
        packedCentroids = PackedMatrix(values, rows: nlist, dimension: dimension)
        centroidNorms = values.withUnsafeBufferPointer { c in
            (0..<nlist).map { DistanceKernels.dot(c.baseAddress! + $0 * dimension, c.baseAddress! + $0 * dimension, count: dimension) }
        }
    }

    /// The list of the nearest centroid (by `2·x·c − |c|²`, i.e. Euclidean; for cosine, unit
    /// centroids make it the greatest cosine) of each of `count` contiguous rows at `rows`.
    /// Precondition: trained.
    func nearestLists(rows: UnsafePointer<Float>, count: Int) -> [Int] {
        guard let packedCentroids else { preconditionFailure("IVFIndex.nearestLists: not trained") }
        var nearest = [Int](repeating: 0, count: count)
        var start = 0
        while start < count {
            let block = Swift.min(Self.assignmentBlock, count - start)
            let products = packedCentroids.products(of: rows + start * dimension, count: block)
            for r in 0..<block {
                var best = 0
                var bestScore = -Float.infinity
                for c in 0..<nlist {
                    let score = 2 * products[r * nlist + c] - centroidNorms[c]
                    if score > bestScore { (best, bestScore) = (c, score) }
                }
                nearest[start + r] = best
            }
            start += block
        }
        return nearest
    }

    /// How promising each list is for `query` (greater first): `l2` `2·q·c − |c|²` (the negated
    /// squared distance up to |q|²), `cosine` and `dot` `q·c`. Precondition: trained.
    func probeScores(query: UnsafePointer<Float>) -> [Float] {
        guard let packedCentroids else { preconditionFailure("IVFIndex.probeScores: not trained") }
        var scores = packedCentroids.products(of: query, count: 1)
        if metric == .l2 {
            for c in 0..<nlist { scores[c] = 2 * scores[c] - centroidNorms[c] }
        }
        return scores
    }

    /// Trains on a sample of the current vectors and moves every vector to its nearest list.
    func train() {
        let total = count
        var random = SeededIndexRandom(seed: seed &+ UInt64(total))
        let sampleCount = Swift.min(total, Self.samplePerCentroid * nlist)
        // Reservoir sampling (Vitter's algorithm R) over the lists in order, untrained first.
        let sources = [untrained] + lists
        var chosen = [(list: Int, row: Int)]()
        chosen.reserveCapacity(sampleCount)
        var seen = 0
        for (l, list) in sources.enumerated() {
            for row in 0..<list.count {
                if chosen.count < sampleCount {
                    chosen.append((l, row))
                } else {
                    let j = random.nextIndex(below: seen + 1)
                    if j < sampleCount { chosen[j] = (l, row) }
                }
                seen += 1
            }
        }
        var sample = [Float]()
        sample.reserveCapacity(sampleCount * dimension)
        for (l, row) in chosen { sources[l].slab.withRow(row) { sample.append(contentsOf: $0) } }
        setCentroids(Self.kMeans(sample: sample, count: sampleCount, dimension: dimension, clusters: nlist,
                                 spherical: metric == .cosine, random: &random))
        let newLists = (0..<nlist).map { _ in KeyedVectorStore(dimension: dimension) }
        for source in sources where source.count > 0 {
            let nearest = source.slab.withUnsafeRows { nearestLists(rows: $0.baseAddress!, count: source.count) }
            for (row, key) in source.keys.enumerated() {
                source.slab.withRow(row) { _ = newLists[nearest[row]].append(key: key, vector: $0) }
                listOfKey[key] = Int32(nearest[row])
            }
        }
        lists = newLists
        untrained = KeyedVectorStore(dimension: dimension)
        trainedCount = total
    }

    /// k-means (Lloyd 1982) of `count` points (row-major in `sample`) into `clusters` centroids,
    /// seeded by k-means++; an empty cluster takes the point farthest from its centroid (from a
    /// cluster of more than one point). `spherical` renormalizes the centroids to unit length.
    /// Precondition: `1 <= clusters <= count`.
    /// - Complexity: O(count·clusters·d·(iterations + 1)).
    static func kMeans(sample: [Float], count: Int, dimension d: Int, clusters k: Int, spherical: Bool,
                       random: inout SeededIndexRandom) -> [Float] {
        precondition(k >= 1 && k <= count, "kMeans: need 1 <= clusters <= points")
        let norms = sample.withUnsafeBufferPointer { s in
            (0..<count).map { DistanceKernels.dot(s.baseAddress! + $0 * d, s.baseAddress! + $0 * d, count: d) }
        }
        var centroids = [Float](repeating: 0, count: k * d)
        // k-means++: each next seed drawn with probability proportional to D², the squared
        // distance to the nearest seed so far (all distances by one GEMM row over the packed sample).
        let packedSample = PackedMatrix(sample, rows: count, dimension: d)
        var nearest = [Float](repeating: .infinity, count: count)
        var pick = random.nextIndex(below: count)
        for c in 0..<k {
            centroids.replaceSubrange((c * d)..<((c + 1) * d), with: sample[(pick * d)..<((pick + 1) * d)])
            let dots = sample.withUnsafeBufferPointer { packedSample.products(of: $0.baseAddress! + pick * d, count: 1) }
            var total = 0.0
            for i in 0..<count {
                nearest[i] = Swift.min(nearest[i], Swift.max(0, norms[i] - 2 * dots[i] + norms[pick]))
                total += Double(nearest[i])
            }
            guard c + 1 < k else { break }
            if total > 0 {
                var target = random.nextUnit() * total
                pick = count - 1
                for i in 0..<count {
                    target -= Double(nearest[i])
                    if target < 0 { pick = i; break }
                }
            } else {
                pick = random.nextIndex(below: count)
            }
        }
        var assignment = [Int](repeating: -1, count: count)
        var distance = [Float](repeating: 0, count: count)
        for iteration in 0..<maxIterations {
            let packed = PackedMatrix(centroids, rows: k, dimension: d)
            let centroidNorms = centroids.withUnsafeBufferPointer { c in
                (0..<k).map { DistanceKernels.dot(c.baseAddress! + $0 * d, c.baseAddress! + $0 * d, count: d) }
            }
            var changed = false
            sample.withUnsafeBufferPointer { s in
                var start = 0
                while start < count {
                    let block = Swift.min(assignmentBlock, count - start)
                    let dots = packed.products(of: s.baseAddress! + start * d, count: block)
                    for r in 0..<block {
                        var best = 0
                        var bestScore = -Float.infinity
                        for c in 0..<k where 2 * dots[r * k + c] - centroidNorms[c] > bestScore {
                            (best, bestScore) = (c, 2 * dots[r * k + c] - centroidNorms[c])
                        }
                        if assignment[start + r] != best { changed = true }
                        assignment[start + r] = best
                        distance[start + r] = Swift.max(0, norms[start + r] - bestScore)
                    }
                    start += block
                }
            }
            if !changed && iteration > 0 { break }
            var sizes = [Int](repeating: 0, count: k)
            for a in assignment { sizes[a] += 1 }
            // Empty clusters take the farthest points of clusters that can spare one.
            for c in 0..<k where sizes[c] == 0 {
                var far = -1
                for i in 0..<count where sizes[assignment[i]] > 1 && (far < 0 || distance[i] > distance[far]) { far = i }
                guard far >= 0 else { break }
                sizes[assignment[far]] -= 1
                assignment[far] = c
                distance[far] = 0
                sizes[c] = 1
            }
            var sums = [Double](repeating: 0, count: k * d)
            for i in 0..<count {
                let base = assignment[i] * d
                for j in 0..<d { sums[base + j] += Double(sample[i * d + j]) }
            }
            for c in 0..<k where sizes[c] > 0 {
                var norm = 0.0
                for j in 0..<d { norm += (sums[c * d + j] / Double(sizes[c])) * (sums[c * d + j] / Double(sizes[c])) }
                let scale = spherical && norm > 0 ? 1 / norm.squareRoot() : 1
                for j in 0..<d { centroids[c * d + j] = Float(sums[c * d + j] / Double(sizes[c]) * scale) }
            }
        }
        return centroids
    }
}
