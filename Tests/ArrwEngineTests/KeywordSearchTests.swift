import ArrwEmbedding
import ArrwEngine
import ArrwTestSupport
import ArrwText
import Foundation
import Testing

/// The engine's keyword index: BM25 over every stored chunk's analyzed text, equal to a naive
/// reference after adds, replaces and deletes, after a WAL replay and after a snapshot load.
@Suite struct KeywordSearchTests {
    static let words = [
        "vector", "vectors", "database", "databases", "search", "searching", "index", "indexes", "graph", "cluster",
        "clustering", "query", "queries", "embedding", "embeddings", "model", "models", "keyword", "ranking", "ranked",
        "the", "of", "and", "fast", "faster", "memory", "disk", "recovery", "snapshot", "journal",
    ]

    func text(_ generator: inout SeededGenerator) -> String {
        (0..<Int.random(in: 3...25, using: &generator)).map { _ in Self.words.randomElement(using: &generator)! }.joined(separator: " ")
    }

    /// Lucene's BM25 by brute force over every chunk text of the library.
    func reference(_ database: Database, _ library: String, query: String) throws -> [(String, Double)] {
        var texts: [String: [String]] = [:]
        for document in try everyDocument(database, library: library) {
            for chunk in document.chunks { texts[chunk.id] = Analyzer.english.terms(chunk.text) }
        }
        let count = Double(texts.count)
        let average = Double(texts.values.reduce(0) { $0 + $1.count }) / count
        var scores: [String: Double] = [:]
        for term in Analyzer.english.terms(query) {
            let frequency = Double(texts.values.filter { $0.contains(term) }.count)
            guard frequency > 0 else { continue }
            let idf = log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for (id, terms) in texts {
                let tf = Double(terms.filter { $0 == term }.count)
                guard tf > 0 else { continue }
                let norm = 0.9 * (1 - 0.4 + 0.4 * Double(terms.count) / average)
                scores[id, default: 0] += idf * tf / (tf + norm)
            }
        }
        return scores.sorted { $0.value > $1.value }.map { ($0.key, $0.value) }
    }

    func check(_ database: Database, _ library: String, queries: [String]) throws {
        for query in queries {
            let expected = try reference(database, library, query: query)
            let found = try database.keywordSearch(libraryId: library, text: query, k: 100)
            #expect(found.count == min(100, expected.count), "\(query)")
            let scores = Dictionary(uniqueKeysWithValues: expected)
            for hit in found { #expect(abs(hit.score - (scores[hit.chunk.id] ?? .nan)) < 1e-9, "\(query): \(hit.chunk.id)") }
            #expect(found.map(\.score) == found.map(\.score).sorted(by: >))
        }
    }

    @Test("BM25 equals the naive reference after adds, replaces and deletes, after replay and after a snapshot load")
    func equalsTheReference() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        var (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "keywords")).id.uuidString
        var generator = SeededGenerator(seed: 51)
        for index in 0..<300 {
            let chunks = (0..<Int.random(in: 1...3, using: &generator)).map { _ in DocumentDraft.ChunkDraft(text: text(&generator)) }
            _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "d\(index)", metadata: ["n": .int(Int64(index))], chunks: chunks))
        }
        for index in stride(from: 0, to: 300, by: 5) {
            _ = try await database.replaceDocument(libraryId: library, documentId: "d\(index)", DocumentDraft(chunks: [.init(text: text(&generator))]))
        }
        for index in stride(from: 1, to: 300, by: 7) { try await database.deleteDocument(libraryId: library, documentId: "d\(index)") }
        let queries = ["vector search", "the fast graph index", "clustering queries of embeddings", "journal", "nothing-matches", "model ranking ranked"]
        try check(database, library, queries: queries)

        let filtered = try database.keywordSearch(libraryId: library, text: "vector database", k: 10, filter: .field(path: ["n"], .lt(.int(50))))
        #expect(!filtered.isEmpty && filtered.allSatisfy { Int($0.documentId.dropFirst())! < 50 })
        #expect(try database.keywordSearch(libraryId: library, text: "the of and", k: 10).isEmpty, "stop words alone match nothing")
        #expect(throws: EngineError.self) { try database.keywordSearch(libraryId: library, text: "", k: 10) }

        try database.close()
        (database, _) = try directory.open()
        try check(database, library, queries: queries)
        try database.writeSnapshot()
        try database.close()
        let (reopened, report) = try directory.open()
        #expect(report.snapshotPath != nil && report.walRecordsReplayed == 0)
        try check(reopened, library, queries: queries)
        try reopened.close()
    }

    @Test("a library's text analyzer survives a WAL replay and a snapshot load, and its keyword index with it")
    func textAnalyzerIsDurable() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        var (database, _) = try directory.open()
        var ids: [TextAnalyzerChoice: String] = [:]
        for choice in TextAnalyzerChoice.allCases {
            let library = try await database.createLibrary(.init(name: choice.rawValue, textAnalyzer: choice.rawValue)).id.uuidString
            _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "a", chunks: [.init(text: "The running of the bulls")]))
            ids[choice] = library
        }
        func check(_ database: Database, _ stage: String) throws {
            for (choice, library) in ids {
                #expect(try database.library(library).textAnalyzer == choice, "\(stage): \(choice)")
                let statistics = try database.statistics(library)
                #expect(statistics.keywordTerms == (choice == .none ? 0 : choice == .english ? 2 : 4), "\(stage): \(choice)")
            }
            #expect(try database.keywordSearch(libraryId: ids[.simple]!, text: "the", k: 5).count == 1, "\(stage)")
            #expect(try database.keywordSearch(libraryId: ids[.english]!, text: "the", k: 5).isEmpty, "\(stage)")
            #expect(throws: EngineError.self, "\(stage): no keyword index") { try database.keywordSearch(libraryId: ids[.none]!, text: "bulls", k: 5) }
        }
        try check(database, "as created")
        try database.close()
        (database, _) = try directory.open()
        try check(database, "after the WAL replay")
        try database.writeSnapshot()
        try database.close()
        let (reopened, report) = try directory.open()
        #expect(report.snapshotPath != nil && report.walRecordsReplayed == 0)
        try check(reopened, "after the snapshot load")
        try reopened.close()
    }
}
