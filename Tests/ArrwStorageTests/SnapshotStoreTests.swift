import Foundation
import Testing
@testable import ArrwStorage

@Suite("Snapshots and the data directory lock")
struct SnapshotStoreTests {
    func write(_ store: SnapshotStore, sequence: UInt64, _ parts: [[UInt8]]) throws -> SnapshotStore.Entry {
        try store.write(sequence: sequence) { writer in
            for part in parts { try writer.append(part) }
        }
    }

    @Test("a snapshot reads back its sequence and payload; only the newest two are kept")
    func roundTrip() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SnapshotStore(directory: directory.path)
        let big = [UInt8](repeating: 7, count: SnapshotWriter.flushBytes + 5)
        for sequence in [3, 9, 12] as [UInt64] {
            _ = try write(store, sequence: sequence, [payload(Int(sequence)), big, payload(1)])
        }
        let entries = try store.entries()
        #expect(entries.map(\.sequence) == [12, 9])
        let contents = try SnapshotStore.read(entries[0].path)
        #expect(contents.sequence == 12 && Array(contents.bytes[contents.payload]) == payload(12) + big + payload(1))
    }

    @Test("a truncated snapshot and a flipped byte are reported, not loaded")
    func damagedSnapshots() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SnapshotStore(directory: directory.path)
        let entry = try write(store, sequence: 5, [payload(5, size: 5000)])
        try flipByte(entry.path, at: 100)
        #expect {
            _ = try SnapshotStore.read(entry.path)
        } throws: { error in "\(error)".contains("checksum mismatch") }
        try flipByte(entry.path, at: 100)
        _ = try SnapshotStore.read(entry.path)
        for cut in [1, 13, 3000] {
            let copy = directory.path + "/cut-\(cut)"
            try FileManager.default.copyItem(atPath: entry.path, toPath: copy)
            try truncateFile(copy, by: cut)
            #expect(throws: StorageError.self) { _ = try SnapshotStore.read(copy) }
        }
    }

    @Test("a leftover temporary file from an interrupted snapshot is removed at open")
    func leftoverTemporary() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let stray = directory.path + "/snapshot-00000000000000000004.arws.tmp"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: stray))
        let store = try SnapshotStore(directory: directory.path)
        #expect(!FileManager.default.fileExists(atPath: stray))
        #expect(try store.entries().isEmpty)
    }

    @Test("a second lock on one data directory is refused naming the holder; released locks can be retaken")
    func lockFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var first: DataDirectoryLock? = try DataDirectoryLock(directory: directory.path)
        #expect {
            _ = try DataDirectoryLock(directory: directory.path)
        } throws: { error in
            guard case .locked(_, let holder)? = error as? StorageError else { return false }
            return holder.contains(String(getpid()))
        }
        #expect(first?.path == directory.path + "/LOCK")
        first = nil
        _ = try DataDirectoryLock(directory: directory.path)
    }
}
