import ArrwEmbedding
import Testing

@Suite struct EmbeddingCacheTests {
    @Test func holdsAtMostItsCapacityAndKeepsRecentEntries() {
        let cache = EmbeddingCache(capacity: 10)
        for index in 0..<100 {
            cache.store([Float(index)], for: "text \(index)")
            #expect(cache.count <= 10)
        }
        for index in 95..<100 { #expect(cache.vector(for: "text \(index)") == [Float(index)]) }
        #expect(cache.vector(for: "text 0") == nil)
    }

    @Test func aHitInTheOlderGenerationIsPromoted() {
        let cache = EmbeddingCache(capacity: 4)
        cache.store([1], for: "a")
        cache.store([2], for: "b")
        cache.store([3], for: "c")
        #expect(cache.vector(for: "a") == [1])
        cache.store([4], for: "d")
        cache.store([5], for: "e")
        #expect(cache.vector(for: "a") == [1])
        #expect(cache.vector(for: "b") == nil)
    }

    @Test func zeroCapacityDisablesIt() {
        let cache = EmbeddingCache(capacity: 0)
        cache.store([1], for: "a")
        #expect(cache.vector(for: "a") == nil)
        #expect(cache.count == 0)
    }

    @Test func similarTextsDoNotCollide() {
        let cache = EmbeddingCache(capacity: 1000)
        let texts = ["ab", "ba", "a b", "ab ", "", " ", "abc", "acb"]
        for (index, text) in texts.enumerated() { cache.store([Float(index)], for: text) }
        for (index, text) in texts.enumerated() { #expect(cache.vector(for: text) == [Float(index)]) }
    }
}
