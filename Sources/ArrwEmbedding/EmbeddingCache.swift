import Synchronization

/// A bounded cache of text → vector, keyed by a 128-bit content hash (two independent
/// FNV-1a-style hashes) of a `Scope` (which provider, model and purpose) and the text, so
/// re-embedding identical text is free, two models' vectors never answer for each other, and
/// the cache never holds the texts themselves.
///
/// Bounded approximate LRU with O(1) operations: entries live in a *recent* and an *older*
/// generation; a hit in *older* is promoted; when *recent* reaches half the capacity it becomes
/// *older* and the previous *older* is dropped. So at most `capacity` vectors are held, and any
/// entry used within the last `capacity / 2` insertions is kept.
public final class EmbeddingCache: Sendable {
    struct Key: Hashable {
        var first: UInt64
        var second: UInt64
    }

    /// What a vector was made by: the hash state after the provider's name, its model and the
    /// purpose, from which each text's key goes on. Made once per provider and purpose.
    public struct Scope: Sendable {
        let seed: Key

        /// The scope of every lookup that names none.
        public static let unscoped = Scope(seed: Key(first: 0xcbf2_9ce4_8422_2325, second: 0x8422_2325_cbf2_9ce4))

        public init(provider: String, model: String, purpose: EmbeddingPurpose) {
            let label = "\(provider)\u{0}\(model)\u{0}\(purpose == .query ? "query" : "document")\u{0}"
            seed = EmbeddingCache.hash(label, from: Self.unscoped.seed)
        }

        private init(seed: Key) {
            self.seed = seed
        }
    }

    private struct Generations {
        var recent: [Key: [Float]] = [:]
        var older: [Key: [Float]] = [:]
    }

    public let capacity: Int
    private let generations = Mutex(Generations())
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)

    /// - Parameter capacity: the most vectors held; 0 disables the cache.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    public var count: Int { generations.withLock { $0.recent.count + $0.older.count } }

    /// Lookups answered from the cache, and lookups that were not, since it was made.
    public var lookups: (hits: Int, misses: Int) { (hitCount.load(ordering: .relaxed), missCount.load(ordering: .relaxed)) }

    public func vector(for text: String, in scope: Scope = .unscoped) -> [Float]? {
        guard capacity > 0 else { return nil }
        let key = Self.key(text, in: scope)
        let vector = generations.withLock { state -> [Float]? in
            if let hit = state.recent[key] { return hit }
            guard let hit = state.older.removeValue(forKey: key) else { return nil }
            insert(key, hit, into: &state)
            return hit
        }
        if vector == nil {
            missCount.add(1, ordering: .relaxed)
        } else {
            hitCount.add(1, ordering: .relaxed)
        }
        return vector
    }

    public func store(_ vector: [Float], for text: String, in scope: Scope = .unscoped) {
        guard capacity > 0 else { return }
        let key = Self.key(text, in: scope)
        generations.withLock { insert(key, vector, into: &$0) }
    }

    private func insert(_ key: Key, _ vector: [Float], into state: inout Generations) {
        if state.recent.count >= max(1, capacity / 2) {
            state.older = state.recent
            state.recent = [:]
        }
        state.recent[key] = vector
    }

    static func key(_ text: String, in scope: Scope) -> Key {
        var key = hash(text, from: scope.seed)
        key.second ^= UInt64(text.utf8.count)
        return key
    }

    static func hash(_ text: String, from seed: Key) -> Key {
        var (first, second) = (seed.first, seed.second)
        for byte in text.utf8 {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = (second &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
            second ^= second >> 29
        }
        return Key(first: first, second: second)
    }
}
