import Foundation
@testable import ArrwStorage

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "arrw-storage-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A payload that names its own number, so a replay can be checked record by record.
func payload(_ number: Int, size: Int = 40) -> [UInt8] {
    Array("record-\(number)-".utf8) + [UInt8](repeating: UInt8(number % 251), count: size)
}

/// Opens the log and collects what it replays.
func openLog(
    _ directory: String, replayAfter: UInt64 = 0, segmentBytes: Int = 64 << 20
) throws -> (WriteAheadLog, [(UInt64, [UInt8])]) {
    var replayed: [(UInt64, [UInt8])] = []
    let log = try WriteAheadLog.open(
        directory: directory, options: .init(segmentBytes: segmentBytes), replayAfter: replayAfter
    ) { replayed.append(($0, $1)) }
    return (log, replayed)
}

/// Appends `payloads` one by one, each waited on, and returns their sequences.
@discardableResult
func appendAll(_ log: WriteAheadLog, _ payloads: [[UInt8]]) async throws -> [UInt64] {
    var sequences: [UInt64] = []
    for item in payloads {
        let sequence = try log.append(item)
        try await log.waitUntilDurable(sequence)
        sequences.append(sequence)
    }
    return sequences
}

func segmentPaths(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".wal") }.sorted().map { directory + "/" + $0 }
}

/// Replaces the byte at `offset` (negative: from the end) with its complement.
func flipByte(_ path: String, at offset: Int) throws {
    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let position = offset >= 0 ? offset : bytes.count + offset
    bytes[position] = ~bytes[position]
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func truncateFile(_ path: String, by count: Int) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    let size = try handle.seekToEnd()
    try handle.truncate(atOffset: size - UInt64(count))
    try handle.close()
}
