import Foundation
import Testing
@testable import ArrwStorage

/// Damaged files: each recovers as `WALFormat` specifies or fails with a clear error, never a crash.
@Suite("Recovery from damaged logs")
struct RecoveryDamageTests {
    /// A log of `count` records in segments of about `segmentBytes`, closed.
    func makeLog(_ directory: TemporaryDirectory, count: Int = 20, segmentBytes: Int = 64 << 20) async throws {
        let (log, _) = try openLog(directory.path, segmentBytes: segmentBytes)
        try await appendAll(log, (1...count).map { payload($0) })
        try log.close()
    }

    @Test("a WAL truncated mid-record recovers to the last whole record and reports the cut")
    func truncatedMidRecord() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory)
        let segment = try #require(try segmentPaths(directory.path).last)
        try truncateFile(segment, by: 25)
        let (log, replayed) = try openLog(directory.path)
        #expect(replayed.map(\.0) == Array(1...19))
        let torn = try #require(log.recovery.tornTail)
        #expect(torn.path == segment && torn.bytesCut > 0)
        #expect(try log.append(payload(20)) == 20)
        try await log.waitUntilDurable(20)
        try log.close()
        let (again, replayedAgain) = try openLog(directory.path)
        #expect(replayedAgain.map(\.1).last == payload(20) && again.recovery.tornTail == nil)
        try again.close()
    }

    @Test("a flipped byte in the last record is a torn tail: cut and reported")
    func flippedLastRecord() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory)
        try flipByte(try segmentPaths(directory.path).last!, at: -3)
        let (log, replayed) = try openLog(directory.path)
        #expect(replayed.count == 19)
        #expect(log.recovery.tornTail?.reason.contains("checksum") == true)
        try log.close()
    }

    @Test("a flipped byte in a middle record stops recovery with the file and offset")
    func flippedMiddleRecord() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory)
        let segment = try segmentPaths(directory.path)[0]
        let offset = WALFormat.segmentHeaderSize + 3 * (WALFormat.recordHeaderSize + payload(1).count) + 25
        try flipByte(segment, at: offset)
        #expect {
            _ = try openLog(directory.path)
        } throws: { error in
            guard case .corruptLog(let path, let at, _)? = error as? StorageError else { return false }
            return path == segment && at <= offset && "\(error)".contains("not a torn tail")
        }
    }

    @Test("a deleted middle segment is a gap, reported with the missing sequences")
    func deletedMiddleSegment() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory, count: 60, segmentBytes: 512)
        let segments = try segmentPaths(directory.path)
        #expect(segments.count >= 4)
        try FileManager.default.removeItem(atPath: segments[1])
        #expect {
            _ = try openLog(directory.path)
        } throws: { error in
            guard case .missingRecords(let reason)? = error as? StorageError else { return false }
            return reason.contains("are gone")
        }
    }

    @Test("a deleted newest segment is detected through its predecessor's seal")
    func deletedLastSegment() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory, count: 60, segmentBytes: 512)
        try FileManager.default.removeItem(atPath: try segmentPaths(directory.path).last!)
        #expect(throws: StorageError.self) { _ = try openLog(directory.path) }
    }

    @Test("a deleted first segment when no snapshot covers it is a gap")
    func deletedFirstSegment() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory, count: 60, segmentBytes: 512)
        try FileManager.default.removeItem(atPath: try segmentPaths(directory.path)[0])
        #expect {
            _ = try openLog(directory.path, replayAfter: 0)
        } throws: { error in
            guard case .missingRecords(let reason)? = error as? StorageError else { return false }
            return reason.contains("snapshot covers only through 0")
        }
    }

    @Test("a crash between creating a segment and sealing the old one recovers")
    func crashDuringRotation() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory, count: 10)
        let header = WALFormat.segmentHeader(firstSequence: 11)
        try Data(header).write(to: URL(fileURLWithPath: directory.path + "/" + WALFormat.segmentName(firstSequence: 11)))
        let (log, replayed) = try openLog(directory.path)
        #expect(replayed.count == 10)
        #expect(try log.append(payload(11)) == 11)
        try await log.waitUntilDurable(11)
        try log.close()
        let (again, replayedAgain) = try openLog(directory.path)
        #expect(replayedAgain.map(\.0) == Array(1...11))
        try again.close()
    }

    @Test("a segment whose header was cut short by a crash is recreated")
    func tornSegmentHeader() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory, count: 10)
        try Data(WALFormat.magic).write(to: URL(fileURLWithPath: directory.path + "/" + WALFormat.segmentName(firstSequence: 11)))
        let (log, replayed) = try openLog(directory.path)
        #expect(replayed.count == 10 && log.recovery.tornTail != nil)
        #expect(try log.append(payload(11)) == 11)
        try await log.waitUntilDurable(11)
        try log.close()
        let (_, again) = try openLog(directory.path)
        #expect(again.count == 11)
    }

    @Test("a log that ends before the snapshot's sequence is missing records")
    func logBehindSnapshot() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await makeLog(directory, count: 5)
        #expect(throws: StorageError.self) { _ = try openLog(directory.path, replayAfter: 9) }
    }

    @Test("garbage of every length in the newest segment never crashes recovery")
    func garbageTail() async throws {
        for length in [1, 7, 19, 20, 21, 64, 300] {
            let directory = TemporaryDirectory()
            defer { directory.remove() }
            try await makeLog(directory, count: 5)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: try segmentPaths(directory.path).last!))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))
            try handle.close()
            let (log, replayed) = try openLog(directory.path)
            #expect(replayed.count == 5, "garbage of \(length) bytes")
            #expect(log.recovery.tornTail?.bytesCut == length)
            try log.close()
        }
    }
}
