/// Insertion order of a library's documents, for stable cursor paging.
///
/// Each document gets a strictly increasing `sequence` when first stored (a replacement keeps
/// it). `entries` is sorted by sequence; removals are lazy: an entry is live only while the
/// catalog still maps its id to its sequence, and the array is compacted once stale entries
/// outnumber live ones. A cursor is the last sequence a page returned, so every document
/// present for the whole listing appears exactly once across the pages.
struct DocumentOrder {
    private(set) var entries: [(sequence: UInt64, id: String)] = []
    private var staleCount = 0
    private(set) var lastSequence: UInt64 = 0

    init() {}

    /// The order of a loaded snapshot: its live entries, sorted by sequence, and the last
    /// sequence handed out.
    init(restoring entries: [(sequence: UInt64, id: String)], lastSequence: UInt64) {
        self.entries = entries
        self.lastSequence = lastSequence
    }

    mutating func append(_ id: String) -> UInt64 {
        lastSequence += 1
        entries.append((lastSequence, id))
        return lastSequence
    }

    mutating func noteRemoval(liveCount: Int, isLive: (UInt64, String) -> Bool) {
        staleCount += 1
        if staleCount > max(liveCount, 64) {
            entries.removeAll { !isLive($0.sequence, $0.id) }
            staleCount = 0
        }
    }

    /// The index of the first entry whose sequence is greater than `sequence`.
    func firstIndex(after sequence: UInt64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].sequence <= sequence { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
