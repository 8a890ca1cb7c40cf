import ArgumentParser
import ArrwEngine
import Foundation

/// `arrwdb inspect-wal`: prints the write-ahead log's segments, damage and (with `--records`)
/// every change; exits 1 when recovery would refuse the log.
struct InspectWAL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-wal", abstract: "Show the write-ahead log in a data directory (read-only).")

    @Option(name: .customLong("data-dir"), help: "Data directory (default: DATA_DIR or ./data).")
    var dataDir: String?

    @Flag(help: "List every record with its decoded change.")
    var records = false

    func run() throws {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["DATA_DIR"] ?? "./data"
        let report = try StorageInspection.inspectWAL(dataDirectory: directory, listRecords: records)
        report.lines.forEach { print($0) }
        if !report.healthy { throw ExitCode(1) }
    }
}

/// `arrwdb verify-snapshot`: checks snapshot files as recovery reads them; exits 1 on damage.
struct VerifySnapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-snapshot", abstract: "Check snapshot files: checksum and a full decode (read-only).")

    @Argument(help: "A snapshot file, or a data directory to check all of its snapshots (default: DATA_DIR or ./data).")
    var path: String?

    func run() throws {
        let target = path ?? ProcessInfo.processInfo.environment["DATA_DIR"] ?? "./data"
        let report = try StorageInspection.verifySnapshots(path: target)
        report.lines.forEach { print($0) }
        if !report.healthy { throw ExitCode(1) }
    }
}
