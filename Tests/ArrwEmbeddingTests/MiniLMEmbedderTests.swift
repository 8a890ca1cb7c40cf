import ArrwEmbedding
import ArrwTestSupport
import Foundation
import Testing

private func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}

private func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

/// The model and golden texts, shared by the tests (loading takes a moment).
private enum Fixture {
    static let loaded: Result<(MiniLMEmbedder, [GoldenText]), any Error> = Result {
        guard let directory = modelDirectory() else {
            throw EmbeddingError("no model folder: run scripts/fetch-model (scripts/test runs it)")
        }
        guard let golden = try GoldenEmbeddings.load() else {
            throw EmbeddingError("../shared/golden/minilm-dev.jsonl is missing")
        }
        return (try MiniLMEmbedder(modelDirectory: directory, threads: 2), golden)
    }

    /// Golden texts spread over every category: the first three of each.
    static func spread(_ golden: [GoldenText]) -> [GoldenText] {
        var seen: [String: Int] = [:]
        return golden.filter { text in
            seen[text.category, default: 0] += 1
            return seen[text.category]! <= 3
        }
    }
}

@Suite struct MiniLMEmbedderTests {
    @Test func encoderReproducesGoldenVectorsInEveryCategory() throws {
        let (embedder, golden) = try Fixture.loaded.get()
        let texts = Fixture.spread(golden)
        #expect(Set(texts.map(\.category)).count == 15)
        let batched = embedder.encoder.encode(texts.map(\.tokenIds))
        for (text, vector) in zip(texts, batched) {
            #expect(cosine(vector, text.embedding) >= 0.9999, "\(text.id) (\(text.category))")
            #expect(abs(norm(vector) - 1) <= 1e-5, "\(text.id)")
        }
        for text in texts.prefix(5) {
            let alone = embedder.encoder.encode([text.tokenIds])[0]
            #expect(cosine(alone, text.embedding) >= 0.9999, "\(text.id) alone")
        }
    }

    @Test func providerTokenizesAndEmbedsEndToEnd() async throws {
        let (embedder, golden) = try Fixture.loaded.get()
        let texts = Fixture.spread(golden)
        let vectors = try await embedder.embed(texts.map(\.text), purpose: .document)
        for (text, vector) in zip(texts, vectors) {
            #expect(embedder.tokenizer.encode(text.text) == text.tokenIds, "\(text.id)")
            #expect(cosine(vector, text.embedding) >= 0.9999, "\(text.id) (\(text.category))")
        }
        #expect(embedder.dimension == 384)
        #expect(embedder.modelName == "all-MiniLM-L6-v2")
    }

    @Test func fastEncoderAgreesWithTheScalarReference() throws {
        let (embedder, golden) = try Fixture.loaded.get()
        let weights = try BertWeights(file: SafetensorsFile(path: #require(modelDirectory()) + "/model.safetensors"))
        let reference = ReferenceBert(weights: weights)
        for text in golden.filter({ $0.tokenIds.count <= 8 }).prefix(2) {
            let expected = reference.encode(text.tokenIds)
            #expect(cosine(embedder.encoder.encode([text.tokenIds])[0], expected) >= 0.999999, "\(text.id)")
            #expect(cosine(expected, text.embedding) >= 0.9999, "reference \(text.id)")
        }
    }

    @Test func batchCompositionDoesNotChangeVectors() throws {
        let (embedder, golden) = try Fixture.loaded.get()
        let texts = [golden[0], golden[40], golden[80], golden[120]].map(\.tokenIds)
        let together = embedder.encoder.encode(texts)
        for (ids, vector) in zip(texts, together) {
            #expect(cosine(embedder.encoder.encode([ids])[0], vector) >= 0.999999)
        }
    }

    @Test func concurrentCallsAreCoalescedAndCorrect() async throws {
        let (embedder, golden) = try Fixture.loaded.get()
        let texts = Array(golden.prefix(24))
        let vectors = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, try await embedder.embed([text.text + " "], purpose: .query)[0]) }
            }
            var result = [[Float]](repeating: [], count: texts.count)
            for try await (index, vector) in group { result[index] = vector }
            return result
        }
        for (text, vector) in zip(texts, vectors) {
            #expect(cosine(vector, text.embedding) >= 0.9999, "\(text.id)")
        }
    }

    @Test func semanticNeighboursAreCloserThanStrangers() async throws {
        let (embedder, _) = try Fixture.loaded.get()
        let v = try await embedder.embed(["kitten", "A cat sleeps on the sofa", "Quarterly tax filing deadlines"], purpose: .query)
        #expect(cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.1)
    }

    @Test func missingOrCorruptWeightsNameThePathAndTheSetUp() throws {
        let missing = #expect(throws: EmbeddingError.self) { try MiniLMEmbedder(modelDirectory: "/nonexistent/model", threads: 1) }
        #expect(missing?.message.contains("/nonexistent/model") == true)
        #expect(missing?.message.contains("scripts/fetch-model") == true)

        let (embedder, _) = try Fixture.loaded.get()
        _ = embedder
        let source = try #require(modelDirectory())
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("arrw-broken-\(UUID())").path
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try FileManager.default.copyItem(atPath: source + "/vocab.txt", toPath: broken + "/vocab.txt")
        let weights = try #require(FileManager.default.contents(atPath: source + "/model.safetensors"))
        for damaged in [weights.prefix(4), weights.prefix(20_000), weights.prefix(weights.count / 2)] {
            try Data(damaged).write(to: URL(fileURLWithPath: broken + "/model.safetensors"))
            let error = #expect(throws: EmbeddingError.self) { try MiniLMEmbedder(modelDirectory: broken, threads: 1) }
            #expect(error?.message.contains(broken) == true)
            #expect(error?.message.contains("scripts/fetch-model") == true)
        }
    }
}
