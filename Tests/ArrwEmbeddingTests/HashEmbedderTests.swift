import ArrwEmbedding
import Testing

private func cosine(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

@Suite struct HashEmbedderTests {
    @Test func vectorsHaveTheDimensionAndUnitLength() async throws {
        let embedder = HashEmbedder(dimension: 64)
        let vectors = try await embedder.embed(["hello world", "", "!!!", "数据库"], purpose: .document)
        #expect(vectors.count == 4)
        for vector in vectors {
            #expect(vector.count == 64)
            #expect(abs(cosine(vector, vector) - 1) < 1e-5)
            #expect(vector.allSatisfy { $0.isFinite })
        }
    }

    @Test func equalTextsGiveEqualVectorsAcrossInstances() {
        let a = HashEmbedder(dimension: 384).vector(for: "The quick brown fox")
        let b = HashEmbedder(dimension: 384).vector(for: "The quick brown fox")
        #expect(a == b)
        #expect(a != HashEmbedder(dimension: 384).vector(for: "A lazy dog"))
    }

    @Test func sharedWordsAreCloserThanUnrelatedText() {
        let embedder = HashEmbedder()
        let query = embedder.vector(for: "test")
        let related = embedder.vector(for: "This is a test document")
        let unrelated = embedder.vector(for: "Bananas grow in warm climates")
        #expect(cosine(query, related) > cosine(query, unrelated))
        #expect(cosine(query, related) > 0.2)
    }

    @Test func modelNameNamesTheDimension() {
        #expect(HashEmbedder(dimension: 12).modelName == "hash-12")
        #expect(HashEmbedder(dimension: 12).dimension == 12)
    }
}
