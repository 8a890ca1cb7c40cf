import ArrwEngine
import Logging
import ServiceLifecycle

/// Writes a snapshot every `interval` and a last one on graceful shutdown, on a thread of its
/// own (a `JobThreadExecutor`, so it never holds a thread that serves requests), then closes the
/// write-ahead log. Runs in the server's service group after the HTTP server, so at shutdown
/// the server has stopped taking requests before the final snapshot is taken. After a
/// recovery that replayed WAL records (a crash), one is written at once, so repeated crashes
/// never make the replay grow.
struct SnapshotService: Service {
    let database: Database
    let interval: Duration
    let afterRecovery: Bool
    let logger: Logger

    func run() async throws {
        let thread = JobThreadExecutor(name: "arrwdb-snapshot")
        defer { thread.shutdown() }
        try await withTaskExecutorPreference(thread) { try await runLoop() }
    }

    private func runLoop() async throws {
        if afterRecovery { await snapshot(reason: "recovery") }
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            guard !Task.isShuttingDownGracefully else { break }
            await snapshot(reason: "scheduled")
        }
        await snapshot(reason: "shutdown")
        do {
            try database.close()
        } catch {
            logger.error("closing the write-ahead log failed: \(error)")
        }
    }

    /// Writes one snapshot (CPU and disk work, on the service's own thread), logging the outcome.
    func snapshot(reason: String) async {
        let outcome = Result { try database.writeSnapshot() }
        switch outcome {
        case .success(let summary?):
            logger.info(
                "snapshot written",
                metadata: [
                    "reason": "\(reason)", "path": "\(summary.path)", "sequence": "\(summary.sequence)",
                    "libraries": "\(summary.libraries)", "bytes": "\(summary.bytes)",
                    "seconds": "\(summary.seconds)", "wal_segments_removed": "\(summary.segmentsRemoved)",
                ])
        case .success(nil):
            break
        case .failure(let error):
            logger.error("snapshot failed; the write-ahead log still holds every change", metadata: ["error": "\(error)"])
        }
    }
}
