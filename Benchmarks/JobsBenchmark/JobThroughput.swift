import ArrwTestSupport
import Foundation
import NIOHTTP1

/// Part 1's figures: `jobs` small `batch_delete` jobs submitted by `clients` concurrent clients,
/// timed from the first submission to the poll that saw the last of them finished.
struct ThroughputResult {
    var jobs: Int
    var clients: Int
    /// First submission sent → last submission answered.
    var submitSeconds: Double
    /// First submission sent → the queue statistics showed every job finished (an upper bound:
    /// the statistics are polled every 50 ms).
    var endToEndSeconds: Double
    var submitLatencies: Latencies
    var completed: Int
    var failed: Int
    var cancelled: Int
    /// Submissions answered 429 `job_queue_full` and sent again after `Retry-After`.
    var queueFullRetries: Int
    var workers: Int
    /// `status: error` of up to five failed jobs, newest first.
    var failures: [String] = []

    var submittedPerSecond: Double { Double(jobs) / submitSeconds }
    var completedPerMinute: Double { Double(completed) / endToEndSeconds * 60 }
}

/// The issue's floor for small jobs through the HTTP API.
let requiredJobsPerMinute = 10_000.0

/// Creates a library holding `documents` documents, then submits `jobs` `batch_delete` jobs of
/// one absent id each (every job does the same small work: a lookup that finds nothing) from
/// `clients` clients, and polls `GET /v1/jobs/stats/queue` until all of them have finished.
func measureJobThroughput(api: APIClient, jobs: Int, clients: Int, documents: Int = 300) async throws -> ThroughputResult {
    let library = try await api.createLibrary(name: "jobs-throughput", dimension: 384)
    try await api.addDocuments(library: library, prefix: "doc-", count: documents, dimension: 384, seed: 1)
    let before = try await api.queueStatistics()

    let start = ContinuousClock.now
    let (latencies, retries) = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
        for client in 0..<clients {
            group.addTask {
                try await submit(api: api, library: library, numbers: stride(from: client, to: jobs, by: clients))
            }
        }
        var latencies = Latencies()
        var retries = 0
        for try await (samples, retried) in group {
            latencies.samples += samples
            retries += retried
        }
        return (latencies, retries)
    }
    let submitted = ContinuousClock.now

    var after = before
    var lastProgress = (finished: -1, at: ContinuousClock.now)
    while true {
        after = try await api.queueStatistics()
        let now = ContinuousClock.now
        if after.total - before.total >= jobs && after.finished == after.total { break }
        if after.finished != lastProgress.finished {
            lastProgress = (after.finished, now)
        } else if now - lastProgress.at > .seconds(120) {
            throw UnexpectedAnswer(description: "no job finished for 120 s: \(after.finished - before.finished) of \(jobs) finished")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    let end = ContinuousClock.now

    var failures: [String] = []
    if after.failed > before.failed {
        let listed = try await api.expect(200, .GET, "/v1/jobs?status=failed&library_id=\(library)&limit=5").object["jobs"] as? [[String: Any]] ?? []
        failures = listed.map { "\($0["job_id"] as? String ?? "?"): \($0["error"] as? String ?? "no error given")" }
    }
    return ThroughputResult(
        jobs: jobs, clients: clients, submitSeconds: (submitted - start).seconds, endToEndSeconds: (end - start).seconds,
        submitLatencies: latencies, completed: after.completed - before.completed, failed: after.failed - before.failed,
        cancelled: after.cancelled - before.cancelled, queueFullRetries: retries, workers: before.workers, failures: failures)
}

/// One client's share of the submissions, in order: the latency of each accepted one (ms)
/// and how many were refused with 429 and sent again.
private func submit(api: APIClient, library: String, numbers: StrideTo<Int>) async throws -> ([Double], Int) {
    var samples: [Double] = []
    var retries = 0
    for number in numbers {
        let body = #"{"library_id": "\#(library)", "document_ids": ["absent-\#(number)"]}"#
        while true {
            let sent = ContinuousClock.now
            let answer = try await api.send(.POST, "/v1/jobs/batch_delete", body)
            if answer.status == 202 {
                samples.append((ContinuousClock.now - sent).milliseconds)
                break
            }
            guard answer.status == 429 else {
                throw UnexpectedAnswer(description: "job submission answered \(answer.status): \(answer.body.prefix(300))")
            }
            retries += 1
            try await Task.sleep(for: .seconds(answer.retryAfter ?? 1))
        }
    }
    return (samples, retries)
}

/// Part 1 as a markdown table and a PASS/FAIL line against ``requiredJobsPerMinute``.
func report(_ result: ThroughputResult) {
    print("""

        ### 1. Job throughput through the HTTP API (batch_delete of one absent id per job)

        | jobs | clients | job workers | submit window s | submitted/s | submit p50 ms | submit p99 ms | first submit → all finished s | completed jobs/min | failed | cancelled | 429 retries |
        | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """)
    print(String(
        format: "| %d | %d | %d | %.2f | %.0f | %@ | %@ | %.2f | %.0f | %d | %d | %d |",
        result.jobs, result.clients, result.workers, result.submitSeconds, result.submittedPerSecond,
        ms(result.submitLatencies.percentile(0.5)), ms(result.submitLatencies.percentile(0.99)), result.endToEndSeconds,
        result.completedPerMinute, result.failed, result.cancelled, result.queueFullRetries))
    let pass = result.completedPerMinute >= requiredJobsPerMinute && result.completed == result.jobs
    print(String(
        format: "\n%@: %.0f completed jobs/min end to end (%d of %d completed); the issue requires at least %.0f jobs/min",
        pass ? "PASS" : "FAIL", result.completedPerMinute, result.completed, result.jobs, requiredJobsPerMinute))
    if result.completed != result.jobs {
        print("every job must complete to pass: \(result.failed) failed, \(result.cancelled) cancelled")
    }
    for failure in result.failures {
        print("  failed job \(failure)")
    }
}
