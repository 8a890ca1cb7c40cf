#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incremental BM25 inverted index over documents named by caller-chosen `UInt64` keys
/// (the engine's chunk keys), kept exact on every add, replace and remove: document
/// frequencies, lengths and the average length always describe the live documents.
///
/// Scoring is Lucene's BM25 (Robertson et al.; Lucene's `BM25Similarity`):
/// `idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))` summed over the query's terms, with
/// `idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))`; defaults `k1` 0.9, `b` 0.4 (Anserini's).
/// A query term repeated counts once per repeat, as in Lucene.
///
/// Postings are per term, sorted by an internal document slot, each a slot and a term
/// frequency (8 bytes). Not thread-safe: the owner serializes writes against reads.
public final class BM25Index {
    public let k1: Double
    public let b: Double
    var termIds: [String: UInt32] = [:]
    var postings: [[Posting]] = []
    var documentFrequency: [Int] = []
    /// The largest term frequency each term has had in a document (never lowered on removal:
    /// it only bounds scores).
    var maxFrequency: [UInt32] = []
    var slots: [UInt64: UInt32] = [:]
    var keys: [UInt64] = []
    var lengths: [UInt32] = []
    var documentTerms: [[UInt32]] = []
    var freeSlots: [UInt32] = []
    var totalLength = 0

    struct Posting {
        var slot: UInt32
        var frequency: UInt32
    }

    public init(k1: Double = 0.9, b: Double = 0.4) {
        self.k1 = k1
        self.b = b
    }

    /// Live documents.
    public var count: Int { slots.count }

    /// Distinct terms held by at least one live document.
    public internal(set) var termCount = 0

    /// Bytes held by postings, per-document lists and the term dictionary (an estimate).
    public var memoryBytes: Int {
        let postingBytes = postings.reduce(0) { $0 + $1.capacity * MemoryLayout<Posting>.stride }
        let documentBytes = documentTerms.reduce(0) { $0 + $1.capacity * 4 } + keys.capacity * 12 + slots.capacity * 16
        let termBytes = termIds.keys.reduce(0) { $0 + $1.utf8.count + 24 }
        return postingBytes + documentBytes + termBytes
    }

    /// Adds the document `key` with its analyzed `terms`, replacing any document under `key`.
    public func add(key: UInt64, terms: [String]) {
        remove(key: key)
        // Term ids sorted, then counted in runs (cheaper than a dictionary per document).
        var ids = terms.map(termId)
        ids.sort()
        var distinct: [UInt32] = []
        var frequencies: [UInt32] = []
        distinct.reserveCapacity(ids.count)
        frequencies.reserveCapacity(ids.count)
        for id in ids {
            if distinct.last == id {
                frequencies[frequencies.count - 1] += 1
            } else {
                distinct.append(id)
                frequencies.append(1)
            }
        }
        distinct = distinct.withUnsafeBufferPointer { Array($0) }  // the exact size: kept for the document's life
        let slot: UInt32
        if let free = freeSlots.popLast() {
            slot = free
            keys[Int(slot)] = key
            lengths[Int(slot)] = UInt32(terms.count)
            documentTerms[Int(slot)] = distinct
        } else {
            slot = UInt32(keys.count)
            keys.append(key)
            lengths.append(UInt32(terms.count))
            documentTerms.append(distinct)
        }
        slots[key] = slot
        totalLength += terms.count
        for (term, frequency) in zip(distinct, frequencies) {
            let list = Int(term)
            if postings[list].last.map({ $0.slot < slot }) ?? true {
                postings[list].append(Posting(slot: slot, frequency: frequency))
            } else {
                postings[list].insert(Posting(slot: slot, frequency: frequency), at: insertionPoint(of: slot, in: postings[list]))
            }
            if documentFrequency[list] == 0 { termCount += 1 }
            documentFrequency[list] += 1
            maxFrequency[list] = max(maxFrequency[list], frequency)
        }
    }

    /// Removes the document `key`; returns whether it was there.
    @discardableResult
    public func remove(key: UInt64) -> Bool {
        guard let slot = slots.removeValue(forKey: key) else { return false }
        for term in documentTerms[Int(slot)] {
            let list = Int(term)
            let position = insertionPoint(of: slot, in: postings[list])
            if position < postings[list].count, postings[list][position].slot == slot {
                postings[list].remove(at: position)
                documentFrequency[list] -= 1
                if documentFrequency[list] == 0 { termCount -= 1 }
            }
        }
        totalLength -= Int(lengths[Int(slot)])
        documentTerms[Int(slot)] = []
        lengths[Int(slot)] = 0
        freeSlots.append(slot)
        return true
    }

    /// Whether `key` is indexed.
    public func contains(key: UInt64) -> Bool { slots[key] != nil }

    /// The `k` best documents for the analyzed query `terms` among those `allow` passes (nil:
    /// all), best first, ties to the smaller key; only documents holding a query term score.
    ///
    /// Document-at-a-time with MaxScore pruning (H. Turtle and J. Flood, "Query evaluation:
    /// strategies and optimizations", IP&M 31(6), 1995): each term has an upper bound on what it
    /// adds to a score (`idf · maxTf / (maxTf + k1 · (1 − b))`); once the k-th best score passes
    /// the bounds of the rarest-contributing terms together, documents found only in those
    /// lists are never scored, and a candidate stops being scored once its bound falls below the
    /// k-th best. The answer equals scoring every posting (`BM25IndexTests` checks it).
    public func search(terms: [String], k: Int, allow: ((UInt64) -> Bool)? = nil) -> [(key: UInt64, score: Double)] {
        guard k > 0, !slots.isEmpty else { return [] }
        let average = Double(totalLength) / Double(slots.count)
        var weights: [UInt32: Double] = [:]
        for term in terms {
            if let id = termIds[term], !postings[Int(id)].isEmpty { weights[id, default: 0] += 1 }
        }
        var lists = weights.map { id, weight in
            let idf = weight * inverseDocumentFrequency(documentFrequency[Int(id)])
            let top = Double(maxFrequency[Int(id)])
            return QueryList(postings: postings[Int(id)], weight: idf, bound: idf * top / (top + k1 * (1 - b)))
        }
        lists.sort { $0.bound < $1.bound }
        var prefixBounds: [Double] = []
        var running = 0.0
        for list in lists {
            running += list.bound
            prefixBounds.append(running)
        }
        var best = TopScores(k: k)
        var cursors = [Int](repeating: 0, count: lists.count)
        // Lists before `firstEssential` are non-essential: their bounds together cannot reach
        // the k-th best score, so a document must appear in an essential list to enter.
        var firstEssential = 0
        while firstEssential < lists.count {
            var slot = UInt32.max
            for list in firstEssential..<lists.count where cursors[list] < lists[list].postings.count {
                slot = min(slot, lists[list].postings[cursors[list]].slot)
            }
            guard slot != .max else { break }
            var score = 0.0
            for list in firstEssential..<lists.count where cursors[list] < lists[list].postings.count {
                let posting = lists[list].postings[cursors[list]]
                guard posting.slot == slot else { continue }
                score += termScore(posting, weight: lists[list].weight, average: average)
                cursors[list] += 1
            }
            let key = keys[Int(slot)]
            if allow?(key) ?? true {
                var list = firstEssential - 1
                while list >= 0 && best.mightEnter(score + prefixBounds[list]) {
                    let position = lists[list].position(of: slot, from: cursors[list])
                    cursors[list] = position
                    if position < lists[list].postings.count, lists[list].postings[position].slot == slot {
                        score += termScore(lists[list].postings[position], weight: lists[list].weight, average: average)
                    }
                    list -= 1
                }
                if list < 0 { best.offer(key: key, score: score) }
            }
            while firstEssential < lists.count && !best.mightEnter(prefixBounds[firstEssential]) { firstEssential += 1 }
        }
        return best.sorted
    }

    /// The BM25 score of the document `key` for the analyzed query `terms` (0 when it holds
    /// none of them or is not indexed), as `search` would score it.
    public func score(terms: [String], key: UInt64) -> Double {
        guard let slot = slots[key] else { return 0 }
        let average = Double(totalLength) / Double(slots.count)
        var repeats: [UInt32: Double] = [:]
        for term in terms {
            if let id = termIds[term] { repeats[id, default: 0] += 1 }
        }
        var score = 0.0
        for (id, count) in repeats {
            let list = postings[Int(id)]
            let position = Self.position(of: slot, in: list, from: 0)
            guard position < list.count, list[position].slot == slot else { continue }
            score += termScore(list[position], weight: count * inverseDocumentFrequency(documentFrequency[Int(id)]), average: average)
        }
        return score
    }

    private func termScore(_ posting: Posting, weight: Double, average: Double) -> Double {
        let frequency = Double(posting.frequency)
        return weight * frequency / (frequency + k1 * (1 - b + b * Double(lengths[Int(posting.slot)]) / average))
    }

    /// `ln(1 + (N − df + 0.5) / (df + 0.5))`.
    func inverseDocumentFrequency(_ frequency: Int) -> Double {
        let documents = Double(slots.count)
        return log(1 + (documents - Double(frequency) + 0.5) / (Double(frequency) + 0.5))
    }

    private func termId(_ term: String) -> UInt32 {
        if let id = termIds[term] { return id }
        let id = UInt32(postings.count)
        termIds[term] = id
        postings.append([])
        documentFrequency.append(0)
        maxFrequency.append(0)
        return id
    }

    private func insertionPoint(of slot: UInt32, in list: [Posting]) -> Int {
        BM25Index.position(of: slot, in: list, from: 0)
    }

    /// The first position at or after `start` whose slot is not below `slot` (binary search).
    static func position(of slot: UInt32, in list: [Posting], from start: Int) -> Int {
        var low = start
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].slot < slot { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// One query term's postings during a search, with its weight (idf times its repeats in the
/// query) and the bound on what it adds to any score.
struct QueryList {
    var postings: [BM25Index.Posting]
    var weight: Double
    var bound: Double

    func position(of slot: UInt32, from start: Int) -> Int { BM25Index.position(of: slot, in: postings, from: start) }
}

/// The k best (key, score) pairs seen, best first, ties to the smaller key.
struct TopScores {
    let k: Int
    private(set) var entries: [(key: UInt64, score: Double)] = []

    init(k: Int) { self.k = k }

    /// Whether a document whose score is at most `bound` could still enter (a little slack
    /// for the different order of floating-point sums).
    func mightEnter(_ bound: Double) -> Bool {
        entries.count < k || bound >= entries[entries.count - 1].score * (1 - 1e-12) - 1e-12
    }

    mutating func offer(key: UInt64, score: Double) {
        func ranksBefore(_ a: (key: UInt64, score: Double), _ b: (key: UInt64, score: Double)) -> Bool {
            a.score != b.score ? a.score > b.score : a.key < b.key
        }
        let entry = (key: key, score: score)
        if entries.count == k, let last = entries.last, !ranksBefore(entry, last) { return }
        let position = entries.firstIndex { ranksBefore(entry, $0) } ?? entries.count
        entries.insert(entry, at: position)
        if entries.count > k { entries.removeLast() }
    }

    var sorted: [(key: UInt64, score: Double)] { entries }
}
