import ArrwIndex
import Foundation
import Testing

/// Index envelopes written by release 0677ec5 (format version 1), one per index type, cut from
/// the snapshot of `Tests/Fixtures/storage-v1` by its `make-fixture` script. Each must load
/// with this build, hold exactly the vectors its library held then (`libraries.json`), answer
/// searches with them, and encode back to the very same bytes while the format is version 1.
@Suite struct IndexFormatFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/storage-v1/indexes").path

    struct LibraryContents {
        var name: String
        var indexType: String
        var metric: String
        var vectors: [[Float]]
    }

    static func libraries() throws -> [LibraryContents] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/libraries.json"))
        let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return try list.map { entry in
            let vectors = try #require(entry["vectors"] as? [[Double]])
            return LibraryContents(
                name: try #require(entry["name"] as? String), indexType: try #require(entry["index_type"] as? String),
                metric: try #require(entry["metric"] as? String), vectors: vectors.map { $0.map(Float.init) })
        }
    }

    /// Every vector of `index`, found by probing the keys a small library hands out.
    static func vectors(of index: any VectorIndex) -> [[Float]] {
        (1..<10_000).compactMap { index.vector(for: UInt64($0)) }
    }

    @Test("each version-1 envelope loads, holds its library's vectors, searches, and re-encodes byte for byte",
          arguments: ["brute_force", "kd_tree", "lsh", "hnsw", "ivf"])
    func loadsVersion1(indexType: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.folder + "/\(indexType).arwi")))
        let index = try IndexCodec.decode(bytes)
        let vectors = Self.vectors(of: index)
        #expect(vectors.count == index.count && index.count > 0)
        let sorted = vectors.sorted { $0.lexicographicallyPrecedes($1) }
        let owners = try Self.libraries().filter { library in
            library.indexType == indexType && library.metric == index.metric.rawValue
                && library.vectors.sorted { $0.lexicographicallyPrecedes($1) } == sorted
        }
        #expect(owners.count == 1, "no library of the fixture held exactly the \(index.count) vectors of \(indexType).arwi")
        #expect(index.dimension == vectors.first?.count)
        for vector in vectors.prefix(10) {
            let nearest = index.search(query: vector, k: 1, filter: nil, options: SearchOptions(efSearch: 200, nprobe: 64))
            #expect(nearest.count == 1)
            if index.metric != .dot {
                #expect(index.vector(for: nearest[0].key) == vector, "\(indexType): a stored vector is not its own nearest neighbour")
            }
        }
        #expect(try IndexCodec.encode(any: index) == bytes, "\(indexType): this build writes version-1 bytes differently")
    }
}
