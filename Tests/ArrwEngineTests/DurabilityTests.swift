import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import ArrwStorage
import ArrwTestSupport
import Foundation
import Testing

/// A temporary data directory, removed by `remove()`.
struct DataDirectory {
    let path = NSTemporaryDirectory() + "arrw-data-" + UUID().uuidString

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func open(segmentBytes: Int = 64 << 20) throws -> (Database, RecoveryReport) {
        try Database.open(directory: path, embedder: HashEmbedder(dimension: 16), segmentBytes: segmentBytes)
    }

    func files(in folder: String, ending suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/" + folder).filter { $0.hasSuffix(suffix) }.sorted()
            .map { path + "/" + folder + "/" + $0 }
    }
}

/// Everything a client can read back from a database, in a comparable form.
struct DatabaseContents: Equatable {
    struct LibraryContents: Equatable {
        var name, description, indexType, metric: String
        var dimension: Int?
        var metadata, indexParams: [String: JSONValue]
        var documents: [Document]
        var searches: [[String]]
    }

    var libraries: [LibraryContents]

    init(_ database: Database, queries: [[Float]]) async throws {
        var libraries: [LibraryContents] = []
        for info in database.listLibraries() {
            let id = info.id.uuidString
            let documents = try everyDocument(database, library: id, includeEmbeddings: true)
            var searches: [[String]] = []
            if info.dimension == 16 {
                for query in queries {
                    searches.append(try await database.search(libraryId: id, SearchQuery(vector: query, k: 5)).hits.map(\.chunk.id))
                }
            }
            libraries.append(LibraryContents(
                name: info.name, description: info.description, indexType: info.indexType.rawValue, metric: info.metric.rawValue,
                dimension: info.dimension, metadata: info.metadata, indexParams: info.indexParams, documents: documents,
                searches: searches))
        }
        self.libraries = libraries
    }

    /// The first difference from `other`, described, or nil when equal.
    func difference(from other: DatabaseContents) -> String? {
        guard libraries.map(\.name) == other.libraries.map(\.name) else {
            return "libraries \(libraries.map(\.name)) vs \(other.libraries.map(\.name))"
        }
        for (mine, theirs) in zip(libraries, other.libraries) where mine != theirs {
            if mine.documents.count != theirs.documents.count {
                return "\(mine.name): \(mine.documents.count) vs \(theirs.documents.count) documents"
            }
            if let (a, b) = zip(mine.documents, theirs.documents).first(where: { $0 != $1 }) { return "\(mine.name): \(a) vs \(b)" }
            if mine.searches != theirs.searches { return "\(mine.name): searches \(mine.searches) vs \(theirs.searches)" }
            return "\(mine.name): settings \(mine) vs \(theirs)"
        }
        return nil
    }
}

/// The engine's durability: what is acknowledged survives a close and reopen, from the WAL
/// alone or from a snapshot plus the WAL after it, and damage is reported, not loaded.
@Suite struct DurabilityTests {
    let queries: [[Float]] = {
        var generator = SeededGenerator(seed: 11)
        return randomVectors(count: 4, dimension: 16, using: &generator)
    }()

    /// A mix of every change: libraries created, patched, re-indexed and deleted; documents
    /// added, replaced and deleted. Returns the id of the HNSW library.
    @discardableResult
    func writeMix(_ database: Database, prefix: String, seed: UInt64) async throws -> String {
        var generator = SeededGenerator(seed: seed)
        let hnsw = try await database.createLibrary(.init(name: "\(prefix)-hnsw", indexType: "hnsw", metadata: .object(["team": .string("a")])))
        let id = hnsw.id.uuidString
        let vectors = randomVectors(count: 300, dimension: 16, using: &generator)
        let drafts = vectors.enumerated().map { index, vector -> Result<DocumentDraft, EngineError> in
            .success(DocumentDraft(
                id: "\(prefix)-\(index)", title: "t\(index)", metadata: ["n": .int(Int64(index))],
                chunks: [.init(text: "chunk \(index)", metadata: ["c": .bool(index % 2 == 0)], embedding: vector)]))
        }
        #expect(try await database.addDocuments(libraryId: id, drafts).failed == 0)
        for index in 0..<30 { try await database.deleteDocument(libraryId: id, documentId: "\(prefix)-\(index)") }
        _ = try await database.replaceDocument(
            libraryId: id, documentId: "\(prefix)-40", DocumentDraft(title: "replaced", chunks: [.init(text: "new", embedding: vectors[0])]))
        _ = try await database.addDocument(libraryId: id, DocumentDraft(id: "\(prefix)-text", title: "embedded", chunks: [.init(text: "hello world")]))
        _ = try await database.updateLibrary(id, .init(description: "patched", metadata: .object(["team": .string("b")])))

        let doomed = try await database.createLibrary(.init(name: "\(prefix)-doomed"))
        _ = try await database.addDocument(libraryId: doomed.id.uuidString, DocumentDraft(chunks: [.init(text: "bye")]))
        try await database.deleteLibrary(doomed.id.uuidString)

        let empty = try await database.createLibrary(.init(name: "\(prefix)-empty", metric: "l2"))
        _ = try await database.updateLibrary(empty.id.uuidString, .init(indexType: "ivf", indexParams: .object(["nlist": .int(4)])))
        return id
    }

    @Test("everything acknowledged comes back from the WAL alone")
    func walOnlyRecovery() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, first) = try directory.open()
        #expect(first.snapshotPath == nil && first.walRecordsReplayed == 0)
        try await writeMix(database, prefix: "a", seed: 1)
        let before = try await DatabaseContents(database, queries: queries)
        try database.close()

        let (reopened, report) = try directory.open()
        #expect(report.snapshotPath == nil && report.walRecordsReplayed > 300)
        let difference = try await DatabaseContents(reopened, queries: queries).difference(from: before)
        #expect(difference == nil, "\(difference ?? "")")
        #expect(reopened.listLibraries().map(\.name).sorted() == ["a-empty", "a-hnsw"])
        try reopened.close()
    }

    @Test("a snapshot plus the WAL after it restore the same state, and the covered WAL is dropped")
    func snapshotRecovery() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open(segmentBytes: 16 << 10)
        try await writeMix(database, prefix: "a", seed: 1)
        let first = try #require(try database.writeSnapshot())
        try await writeMix(database, prefix: "b", seed: 2)
        let second = try #require(try database.writeSnapshot())
        #expect(second.segmentsRemoved > 0, "segments covered by the older kept snapshot are dropped")
        let hnsw = try await writeMix(database, prefix: "c", seed: 3)
        try await database.deleteLibrary(database.listLibraries().first { $0.name == "a-hnsw" }!.id.uuidString)
        let before = try await DatabaseContents(database, queries: queries)
        try database.close()

        let (reopened, report) = try directory.open(segmentBytes: 16 << 10)
        #expect(report.snapshotSequence == second.sequence && first.sequence < second.sequence)
        #expect(report.walRecordsReplayed > 0 && report.walRecordsReplayed < 400)
        let difference = try await DatabaseContents(reopened, queries: queries).difference(from: before)
        #expect(difference == nil, "\(difference ?? "")")
        #expect(try reopened.statistics(hnsw).indexType == .hnsw)
        try reopened.close()
    }

    @Test("a library deleted while a snapshot is written is a tombstone; its earlier records are skipped")
    func deletionAfterSnapshotSequence() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let id = try await writeMix(database, prefix: "a", seed: 1)
        try database.writeSnapshot()
        _ = try await database.addDocument(libraryId: id, DocumentDraft(id: "after", chunks: [.init(text: "x", embedding: queries[0])]))
        try await database.deleteLibrary(id)
        let before = try await DatabaseContents(database, queries: queries)
        try database.close()
        let (reopened, _) = try directory.open()
        let difference = try await DatabaseContents(reopened, queries: queries).difference(from: before)
        #expect(difference == nil, "\(difference ?? "")")
        try reopened.close()
    }

    @Test("writes racing a snapshot are all recovered")
    func writesDuringSnapshot() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let id = try await writeMix(database, prefix: "a", seed: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<50 {
                        _ = try await database.addDocument(
                            libraryId: id, DocumentDraft(id: "w\(writer)-\(index)", chunks: [.init(text: "", embedding: queries[index % 4])]))
                    }
                }
            }
            group.addTask {
                for _ in 0..<3 { try database.writeSnapshot() }
            }
            try await group.waitForAll()
        }
        let before = try await DatabaseContents(database, queries: queries)
        try database.close()
        let (reopened, _) = try directory.open()
        let difference = try await DatabaseContents(reopened, queries: queries).difference(from: before)
        #expect(difference == nil, "\(difference ?? "")")
        #expect(try reopened.statistics(id).documentCount == 270 + 1 + 200)
        try reopened.close()
    }

    @Test("a truncated newest snapshot is skipped (and reported) for the older one plus the WAL")
    func truncatedSnapshot() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        try await writeMix(database, prefix: "a", seed: 1)
        try database.writeSnapshot()
        try await writeMix(database, prefix: "b", seed: 2)
        let newest = try #require(try database.writeSnapshot())
        let before = try await DatabaseContents(database, queries: queries)
        try database.close()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: newest.path))
        try handle.truncate(atOffset: UInt64(newest.bytes / 2))
        try handle.close()

        let (reopened, report) = try directory.open()
        #expect(report.rejectedSnapshots.count == 1 && report.rejectedSnapshots[0].contains(newest.path))
        #expect(report.snapshotSequence < newest.sequence)
        let difference = try await DatabaseContents(reopened, queries: queries).difference(from: before)
        #expect(difference == nil, "\(difference ?? "")")
        try reopened.close()
    }

    @Test("a damaged only snapshot whose WAL was dropped stops recovery with both reasons")
    func damagedSnapshotWithoutWAL() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open(segmentBytes: 4096)
        try await writeMix(database, prefix: "a", seed: 1)
        try database.writeSnapshot()
        try await writeMix(database, prefix: "b", seed: 2)
        try database.writeSnapshot()
        try database.close()
        for snapshot in try directory.files(in: "snapshots", ending: ".arws") {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: snapshot))
            try handle.truncate(atOffset: 100)
            try handle.close()
        }
        #expect {
            _ = try directory.open(segmentBytes: 4096)
        } throws: { error in
            let text = "\(error)"
            return text.contains("records are missing") && text.contains("the newer snapshots could not be used")
        }
    }

    @Test("a flipped byte in the middle of the WAL stops recovery naming the file; a torn tail is cut")
    func walDamage() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        try await writeMix(database, prefix: "a", seed: 1)
        try database.close()
        let segment = try #require(try directory.files(in: "wal", ending: ".wal").last)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        let original = bytes
        bytes.removeLast(7)
        try bytes.write(to: URL(fileURLWithPath: segment))
        let (recovered, report) = try directory.open()
        #expect(report.tornTail?.contains(segment) == true)
        try recovered.close()

        var flipped = original
        flipped[2000] ^= 0xFF
        try flipped.write(to: URL(fileURLWithPath: segment))
        #expect {
            _ = try directory.open()
        } throws: { error in
            guard case .corruptLog(let path, _, _)? = error as? StorageError else { return false }
            return path == segment
        }
    }

    @Test("a second database on one data directory is refused")
    func lockFile() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        #expect {
            _ = try directory.open()
        } throws: { error in
            guard case .locked? = error as? StorageError else { return false }
            return true
        }
        try database.close()
        let (again, _) = try directory.open()
        try again.close()
    }

    @Test("writes after close fail with storage_unavailable instead of being lost")
    func writesAfterClose() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        try database.close()
        await #expect(throws: EngineError.self) { _ = try await database.createLibrary(.init(name: "late")) }
        #expect(database.listLibraries().isEmpty)
    }
}
