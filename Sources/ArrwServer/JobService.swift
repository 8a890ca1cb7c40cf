import ArrwEngine
import ServiceLifecycle

/// Runs the job queue's workers beside the HTTP server until graceful shutdown. A job it
/// interrupts stays `running` in the log and runs again from its checkpoint after the restart.
struct JobService: Service {
    let queue: JobQueue

    func run() async throws {
        await cancelWhenGracefulShutdown { await queue.run() }
    }
}
