import Foundation
import Testing
@testable import ArrwStorage

@Suite("Write-ahead log")
struct WriteAheadLogTests {
    @Test("records come back in order with their sequences after a reopen")
    func reopenReplays() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, replayedAtFirst) = try openLog(directory.path)
        #expect(replayedAtFirst.isEmpty)
        let sequences = try await appendAll(log, (1...50).map { payload($0) })
        #expect(sequences == Array(1...50))
        try log.close()

        let (reopened, replayed) = try openLog(directory.path)
        #expect(replayed.map(\.0) == Array(1...50))
        #expect(replayed.map(\.1) == (1...50).map { payload($0) })
        #expect(reopened.recovery.lastSequence == 50 && reopened.recovery.tornTail == nil)
        #expect(try reopened.append(payload(51)) == 51)
        try reopened.close()
    }

    @Test("replayAfter skips what the snapshot holds")
    func replayAfterSkips() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, _) = try openLog(directory.path)
        try await appendAll(log, (1...10).map { payload($0) })
        try log.close()
        let (reopened, replayed) = try openLog(directory.path, replayAfter: 7)
        #expect(replayed.map(\.0) == [8, 9, 10])
        #expect(reopened.recovery.replayed == 3 && reopened.recovery.records == 10)
        try reopened.close()
    }

    @Test("concurrent writers share fsyncs (group commit) and all become durable")
    func groupCommit() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, _) = try openLog(directory.path)
        let writers = 64, perWriter = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for item in 0..<perWriter {
                        let sequence = try log.append(payload(writer * perWriter + item))
                        try await log.waitUntilDurable(sequence)
                    }
                }
            }
            try await group.waitForAll()
        }
        let statistics = log.statistics
        #expect(statistics.records == writers * perWriter)
        #expect(statistics.syncs < writers * perWriter, "\(statistics.syncs) fsyncs for \(writers * perWriter) records")
        try log.close()
        let (_, replayed) = try openLog(directory.path)
        #expect(replayed.map(\.0) == Array(1...UInt64(writers * perWriter)))
        #expect(Set(replayed.map(\.1)) == Set((0..<writers * perWriter).map { payload($0) }))
    }

    @Test("a batch appended at once takes consecutive sequences and one fsync; a closed log frames none of one")
    func batchAppend() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, _) = try openLog(directory.path)
        try await appendAll(log, [payload(0)])
        let syncsBefore = log.statistics.syncs
        var assigned: [(Int, UInt64)] = []
        let sequences = try log.append(contentsOf: (1...500).map { payload($0) }) { assigned.append(($0, $1)) }
        #expect(sequences == 2...501)
        #expect(assigned.map(\.0) == Array(0..<500) && assigned.map(\.1) == Array(2...501))
        try await log.waitUntilDurable(sequences.upperBound)
        #expect(log.statistics.syncs == syncsBefore + 1, "the flusher is woken once, after the last record")

        try log.close()
        #expect(throws: StorageError.self) { try log.append(contentsOf: [payload(502), payload(503)]) }
        #expect(log.lastSequence == 501, "a closed log frames none of a batch")
        let (_, replayed) = try openLog(directory.path)
        #expect(replayed.map(\.0) == Array(1...501))
        #expect(replayed.map(\.1) == (0...500).map { payload($0) })
    }

    @Test("segments rotate by size, chain by seals, and whole covered segments are removed")
    func rotationAndRemoval() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, _) = try openLog(directory.path, segmentBytes: 1024)
        try await appendAll(log, (1...100).map { payload($0) })
        let segments = log.segmentFirstSequences
        #expect(segments.count > 3)
        #expect(try log.rotate() == 100)
        let removed = try log.removeSegments(coveredThrough: 60)
        #expect(removed >= 1)
        let kept = log.segmentFirstSequences
        #expect(kept.first! <= 61 && kept.last == 101)
        try log.close()
        let (reopened, replayed) = try openLog(directory.path, replayAfter: 60, segmentBytes: 1024)
        #expect(replayed.map(\.0) == Array(61...100))
        #expect(try reopened.append(payload(101)) == 101)
        try reopened.close()
    }

    @Test("relaxed sync acknowledges after the write and still replays everything after a clean close")
    func relaxedSync() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try WriteAheadLog.open(directory: directory.path, options: .init(syncMode: .interval(3600))) { _, _ in }
        try await appendAll(log, (1...30).map { payload($0) })
        #expect(log.statistics.syncs == 0)
        try log.close()
        let (_, replayed) = try openLog(directory.path)
        #expect(replayed.count == 30)
    }

    @Test("appending to a closed log fails clearly; closing twice is harmless")
    func closedLog() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, _) = try openLog(directory.path)
        try log.close()
        try log.close()
        #expect(throws: StorageError.closed) { try log.append(payload(1)) }
    }
}
