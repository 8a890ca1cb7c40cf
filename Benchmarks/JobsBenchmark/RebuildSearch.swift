import ArrwTestSupport
import Foundation
import NIOHTTP1

/// Part 2's figures: search latency on an idle HNSW library, and while an `index_rebuild` job
/// (started by a PATCH to new HNSW parameters) builds its replacement.
struct RebuildResult {
    var documents: Int
    var searches: Int
    var clients: Int
    var idle: Latencies
    /// Searches that started after the PATCH was answered and ended before a poll of the job
    /// that still answered pending or running.
    var during: Latencies
    /// Searches sent while the rebuild ran, counted or not.
    var attemptedDuring: Int
    /// The job's final status (`completed` unless something went wrong).
    var status: String
    /// `completed_at − started_at` of the job, in ms.
    var jobMilliseconds: Double?
    /// The result's `rebuild_time_ms`.
    var reportedMilliseconds: Double?
    var vectorsReindexed: Int?
    /// PATCH answered → the poll that saw the job finished, in seconds.
    var observedSeconds: Double
}

/// One timed search.
struct TimedSearch: Sendable {
    var start: ContinuousClock.Instant
    var end: ContinuousClock.Instant
}

/// What the side task has seen of the rebuild job so far.
struct JobWatch: Sendable {
    /// When the last poll that answered pending or running was sent: the job was unfinished
    /// from the PATCH's answer up to this instant (a job's status never goes back).
    var unfinishedUntil: ContinuousClock.Instant?
    /// When a poll first answered a final status.
    var finishedAt: ContinuousClock.Instant?
    /// That poll's body.
    var finalBody = ""
}

/// Fills an HNSW library with `documents` seeded random 384-d vectors, measures `searches`
/// searches (k = 10) from `clients` clients at rest, then PATCHes new HNSW build parameters
/// and runs the same searches while the `index_rebuild` job runs, polled every 50 ms.
func measureSearchDuringRebuild(api: APIClient, documents: Int, searches: Int, clients: Int = 4) async throws -> RebuildResult {
    let library = try await api.createLibrary(name: "jobs-rebuild", dimension: 384, indexType: "hnsw")
    let loading = ContinuousClock.now
    try await api.addDocuments(library: library, prefix: "v", count: documents, dimension: 384, seed: 42)
    print(String(format: "loaded %d documents into the HNSW library in %.1f s", documents, (ContinuousClock.now - loading).seconds))

    var generator = SeededGenerator(seed: 7)
    let bodies = randomVectors(count: searches, dimension: 384, using: &generator).map { #"{"query_vector": \#(jsonArray($0)), "k": 10}"# }
    _ = try await runSearches(api: api, library: library, bodies: Array(bodies.prefix(20)), clients: clients) { false }
    let idle = try await runSearches(api: api, library: library, bodies: bodies, clients: clients) { false }

    let patched = try await api.expect(
        202, .PATCH, "/v1/libraries/\(library)", #"{"index_type": "hnsw", "index_params": {"m": 24, "ef_construction": 200}}"#)
    let answeredAt = ContinuousClock.now
    guard let job = patched.object["job_id"] as? String else { throw UnexpectedAnswer(description: "PATCH gave no job_id: \(patched.body.prefix(300))") }
    let watch = Shared(JobWatch())
    async let watching: Void = watchJob(api: api, job: job, watch: watch)
    let during = try await runSearches(api: api, library: library, bodies: bodies, clients: clients) { watch.current.finishedAt != nil }
    try await watching

    let seen = watch.current
    let counted = seen.unfinishedUntil.map { limit in during.filter { $0.end <= limit } } ?? []
    let final = (try? JSONSerialization.jsonObject(with: Data(seen.finalBody.utf8))) as? [String: Any] ?? [:]
    let result = final["result"] as? [String: Any] ?? [:]
    let started = parseTimestamp(final["started_at"])
    let completed = parseTimestamp(final["completed_at"])
    return RebuildResult(
        documents: documents, searches: searches, clients: clients,
        idle: Latencies(samples: idle.map { ($0.end - $0.start).milliseconds }),
        during: Latencies(samples: counted.map { ($0.end - $0.start).milliseconds }),
        attemptedDuring: during.count, status: final["status"] as? String ?? "unknown",
        jobMilliseconds: started.flatMap { start in completed.map { $0.timeIntervalSince(start) * 1000 } },
        reportedMilliseconds: number(result["rebuild_time_ms"]),
        vectorsReindexed: number(result["total_vectors_reindexed"]).map { Int($0) },
        observedSeconds: ((seen.finishedAt ?? answeredAt) - answeredAt).seconds)
}

/// Sends each of `bodies` once as a search, shared among `clients` clients, until they are
/// all sent or `stop()` is true; answers each search's start and end.
private func runSearches(
    api: APIClient, library: String, bodies: [String], clients: Int, stop: @escaping @Sendable () -> Bool
) async throws -> [TimedSearch] {
    let next = Shared(0)
    return try await withThrowingTaskGroup(of: [TimedSearch].self) { group in
        for _ in 0..<clients {
            group.addTask {
                var timed: [TimedSearch] = []
                while !stop() {
                    let index = next.update { value -> Int in
                        value += 1
                        return value - 1
                    }
                    guard index < bodies.count else { break }
                    let start = ContinuousClock.now
                    _ = try await api.expect(200, .POST, "/v1/libraries/\(library)/search", bodies[index])
                    timed.append(TimedSearch(start: start, end: ContinuousClock.now))
                }
                return timed
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
}

/// Polls `GET /v1/jobs/{job}` every 50 ms into `watch` until the job reaches a final status
/// (at most 30 minutes).
private func watchJob(api: APIClient, job: String, watch: Shared<JobWatch>) async throws {
    let deadline = ContinuousClock.now + .seconds(1800)
    while ContinuousClock.now < deadline {
        let sent = ContinuousClock.now
        let answer = try await api.expect(200, .GET, "/v1/jobs/\(job)")
        let status = answer.object["status"] as? String ?? ""
        if status == "pending" || status == "running" {
            watch.update { $0.unfinishedUntil = sent }
        } else {
            let now = ContinuousClock.now
            watch.update {
                $0.finishedAt = now
                $0.finalBody = answer.body
            }
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw UnexpectedAnswer(description: "the index_rebuild job \(job) did not finish within 30 minutes")
}

/// Part 2 as markdown tables.
func report(_ result: RebuildResult) {
    let idle = result.idle
    let during = result.during
    print("""

        ### 2. Search latency (k = 10, \(result.clients) clients) on \(result.documents) × 384-d HNSW: idle vs during index_rebuild

        | phase | searches counted | p50 ms | p99 ms | mean ms |
        | --- | ---: | ---: | ---: | ---: |
        | idle | \(idle.count) | \(ms(idle.percentile(0.5))) | \(ms(idle.percentile(0.99))) | \(ms(idle.mean)) |
        | during rebuild (m 16 → 24) | \(during.count) | \(ms(during.percentile(0.5))) | \(ms(during.percentile(0.99))) | \(ms(during.mean)) |
        | ratio during / idle | | \(ratio(during.percentile(0.5), idle.percentile(0.5))) | \(ratio(during.percentile(0.99), idle.percentile(0.99))) | \(ratio(during.mean, idle.mean)) |

        | rebuild job | status | completed_at − started_at ms | rebuild_time_ms | vectors reindexed | PATCH answered → seen finished s |
        | --- | --- | ---: | ---: | ---: | ---: |
        | m 24, ef_construction 200 | \(result.status) | \(result.jobMilliseconds.map { String(format: "%.0f", $0) } ?? "n/a") | \(result.reportedMilliseconds.map { String(format: "%.0f", $0) } ?? "n/a") | \(result.vectorsReindexed.map { String($0) } ?? "n/a") | \(String(format: "%.2f", result.observedSeconds)) |
        """)
    if during.count < result.searches {
        print("""

            note: only \(during.count) of \(result.searches) searches fell wholly inside the rebuild \
            (\(result.attemptedDuring) sent before the build was seen finished); the build finished first.
            """)
    }
}

/// `a / b` with two decimals and a ×, or "n/a".
private func ratio(_ a: Double, _ b: Double) -> String {
    a.isNaN || b.isNaN || b == 0 ? "n/a" : String(format: "%.2f×", a / b)
}
