import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwTestSupport
import Foundation
import Testing

/// `ef_search`, `nprobe` and LSH `probes` steer searches only: changing them alone applies to
/// the live index at once (no rebuild), is logged like any index change, and survives a restart.
@Suite struct SearchParameterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var indexType: String
        var searchParameter: String
        var value: Int
        var structural: String
        var structuralValue: Int
        var options: SearchOptions
        var testDescription: String { "\(indexType).\(searchParameter)" }
    }

    static let cases = [
        Case(indexType: "hnsw", searchParameter: "ef_search", value: 3, structural: "m", structuralValue: 4, options: SearchOptions(efSearch: 3)),
        Case(indexType: "ivf", searchParameter: "nprobe", value: 1, structural: "nlist", structuralValue: 16, options: SearchOptions(nprobe: 1)),
        Case(indexType: "lsh", searchParameter: "probes", value: 1, structural: "tables", structuralValue: 4, options: SearchOptions()),
    ]

    func hits(_ database: Database, _ library: String, _ queries: [[Float]], _ options: SearchOptions = SearchOptions()) async throws -> [[String]] {
        var answers: [[String]] = []
        for query in queries {
            answers.append(try await database.search(libraryId: library, SearchQuery(vector: query, k: 10, options: options)).hits.map(\.chunk.id))
        }
        return answers
    }

    @Test(arguments: cases)
    func searchTimeParameterAppliesAtOnce(_ test: Case) async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(
            name: "tuned", indexType: test.indexType, indexParams: .object(test.indexType == "ivf" ? ["nlist": .int(8)] : [:]))).id.uuidString
        var generator = SeededGenerator(seed: 21)
        try await addVectorDocuments(database, library: library, randomVectors(count: 600, dimension: 16, using: &generator))
        let queries = randomVectors(count: 20, dimension: 16, using: &generator)
        let before = try database.statistics(library).indexParams

        let (info, rebuilding) = try await database.updateLibrary(
            library, .init(indexType: test.indexType, indexParams: .object(before.merging([test.searchParameter: .int(Int64(test.value))]) { $1 })))
        #expect(!rebuilding, "a search-time parameter alone rebuilds nothing")
        #expect(info.indexParams[test.searchParameter] == .int(Int64(test.value)))
        #expect(try database.statistics(library).buildState == "ready")
        let tuned = try await hits(database, library, queries)
        if test.indexType != "lsh" {
            #expect(tuned == (try await hits(database, library, queries, test.options)), "searches use the new setting at once")
        }

        let structural = try await database.updateLibrary(
            library, .init(indexType: test.indexType, indexParams: .object(before.merging([test.structural: .int(Int64(test.structuralValue))]) { $1 })))
        #expect(structural.rebuilding, "a structural parameter still rebuilds")
        try await buildPendingIndex(database, library)
        _ = try await database.updateLibrary(
            library, .init(indexType: test.indexType, indexParams: .object(
                before.merging([test.structural: .int(Int64(test.structuralValue)), test.searchParameter: .int(Int64(test.value))]) { $1 })))
        let settled = try await hits(database, library, queries)
        try database.close()

        let (reopened, _) = try directory.open()
        try await buildPendingIndex(reopened, library)
        #expect(try reopened.statistics(library).indexParams[test.searchParameter] == .int(Int64(test.value)))
        #expect(try await hits(reopened, library, queries) == settled, "replay applies the change as the first run did")
        try reopened.close()
    }
}
