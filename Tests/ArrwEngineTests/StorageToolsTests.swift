import ArrwEmbedding
import ArrwEngine
import ArrwTestSupport
import Foundation
import Testing

/// `arrwdb inspect-wal` and `verify-snapshot` (`StorageInspection`) are strictly read-only:
/// no folder created, no file written or removed, safe beside a live server.
@Suite struct StorageToolsTests {
    /// Every file under `path` with its size and FNV-1a digest, and every folder.
    static func tree(_ path: String) throws -> [String: String] {
        var tree: [String: String] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: path))
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
            tree[name] = isDirectory.boolValue ? "folder" : try digest(path + "/" + name)
        }
        return tree
    }

    static func digest(_ file: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\(data.count):\(hash)"
    }

    @Test("on a directory with no snapshots or log, neither tool creates a folder")
    func noFoldersCreated() throws {
        let directory = DataDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        defer { directory.remove() }
        let report = try StorageInspection.verifySnapshots(path: directory.path)
        #expect(report.lines == ["no snapshots in \(directory.path)/snapshots"])
        #expect(throws: (any Error).self) { try StorageInspection.inspectWAL(dataDirectory: directory.path, listRecords: true) }
        #expect(try Self.tree(directory.path).isEmpty)
    }

    @Test("beside a live server writing snapshots, the tools change no byte and never break a snapshot being written")
    func besideLiveServer() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "live", indexType: "hnsw")).id.uuidString
        var generator = SeededGenerator(seed: 7)
        let vectors = randomVectors(count: 2_000, dimension: 16, using: &generator)
        try await addVectorDocuments(database, library: library, vectors)

        let snapshots = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<40 {
                    _ = try await database.addDocument(libraryId: library, DocumentDraft(id: "n\(index)", chunks: [.init(text: "", embedding: vectors[index])]))
                    #expect(try database.writeSnapshot() != nil, "a snapshot failed while the tools ran")
                    snapshots.increment()
                }
            }
            group.addTask {
                while snapshots.value < 40 {
                    let verified = try StorageInspection.verifySnapshots(path: directory.path)
                    #expect(verified.healthy, "\(verified.lines)")
                    let wal = try StorageInspection.inspectWAL(dataDirectory: directory.path, listRecords: false)
                    #expect(wal.healthy, "\(wal.lines)")
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }

        let before = try Self.tree(directory.path)
        #expect(before.keys.contains { $0.hasPrefix("snapshots/") } && before.keys.contains { $0.hasPrefix("wal/") })
        _ = try StorageInspection.verifySnapshots(path: directory.path)
        for file in try directory.files(in: "snapshots", ending: ".arws") { _ = try StorageInspection.verifySnapshots(path: file) }
        _ = try StorageInspection.inspectWAL(dataDirectory: directory.path, listRecords: true)
        #expect(try Self.tree(directory.path) == before)
        try database.close()
    }
}
