import ArrwEmbedding
import ArrwEmbeddingRemote
import ArrwEngine
import Foundation
import Prometheus

/// The engine's state as `/metrics` reads it at each scrape: the write-ahead log (records,
/// fsyncs and the time they took, so `rate(seconds) / rate(fsyncs)` is the mean fsync latency and
/// `rate(records) / rate(fsyncs)` the group-commit size), the event bus (published, delivered,
/// subscribers, queued events, subscribers dropped as too slow), the job queue (jobs by status,
/// workers), the embedding cache (hits, misses, hit ratio) and the process's resident memory.
extension MetricsRoute {
    func recordEngine() {
        let storage = database.storageStatus
        for (name, help, value) in [
            ("records", "Change records appended to the write-ahead log since start.", Double(storage.walRecords)),
            ("fsyncs", "fdatasync calls of the write-ahead log since start (one per group commit).", Double(storage.walSyncs)),
            ("fsync_seconds", "Seconds spent in the write-ahead log's fdatasync calls since start.", storage.walSyncSeconds),
        ] {
            counters.advance(registry, .init(namespace: "arrwdb", subsystem: "wal", metricName: name, unitName: "total", helpText: help), to: value)
        }

        let events = database.events.statistics
        counters.advance(registry, Self.descriptor("events", "published", "total", "Events published on the event bus."), to: Double(events.totalPublished))
        counters.advance(registry, Self.descriptor("events", "delivered", "total", "Events handed to subscribers."), to: Double(events.totalDelivered))
        counters.advance(
            registry, Self.descriptor("events", "subscribers_dropped", "total", "SSE and WebSocket subscribers dropped for letting their queue fill."),
            to: Double(events.droppedSubscribers))
        gauge("events", "subscribers", "Active event subscribers (SSE streams and WebSocket subscriptions).", Double(events.activeSubscribers))
        gauge("events", "queued", "Events queued for subscribers and not yet taken.", Double(events.queueSize))

        let jobs = database.jobs.statusCounts
        for status in JobStatus.allCases {
            registry.makeGauge(descriptor: Self.descriptor("jobs", "in_state", "", "Jobs by status (pending is the queue's depth)."), labels: [("status", status.rawValue)])
                .set(Int64(jobs[status] ?? 0))
        }

        let cache = database.embedders.cache
        if cache.capacity > 0 {
            let (hits, misses) = cache.lookups
            counters.advance(registry, Self.descriptor("embedding", "cache_hits", "total", "Texts whose vector came from the embedding cache."), to: Double(hits))
            counters.advance(registry, Self.descriptor("embedding", "cache_misses", "total", "Texts the model had to embed."), to: Double(misses))
            gauge("embedding", "cache_hit_ratio", "Hits over lookups of the embedding cache since start.", hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses))
            gauge("embedding", "cache_entries", "Vectors the embedding cache holds.", Double(cache.count))
        }

        for provider in database.embedders.all {
            guard let remote = provider.base as? any RemoteProvider else { continue }
            let calls = remote.statistics.snapshot
            for (name, help, value) in [
                ("remote_attempts", "Calls to the remote embedding provider, retries included.", calls.attempts),
                ("remote_retries", "Calls to the remote embedding provider that were retries (after a 429, 5xx, timeout or refused connection).", calls.retries),
                ("remote_failures", "Embedding requests that failed after every attempt, or at once (a rejected key, an unknown model).", calls.failures),
            ] {
                counters.advance(registry, Self.descriptor("embedding", name, "total", help), labels: [("provider", provider.name)], to: Double(value))
            }
        }

        if let resident = Self.residentMemoryBytes() {
            registry.makeGauge(descriptor: .init(namespace: "process", metricName: "resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes."))
                .set(resident)
        }
    }

    private func gauge(_ subsystem: String, _ name: String, _ help: String, _ value: Double) {
        registry.makeGauge(descriptor: Self.descriptor(subsystem, name, "", help)).set(value)
    }

    static func descriptor(_ subsystem: String, _ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "arrwdb", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }

    /// The process's resident set, from `/proc/self/statm` (Linux); nil elsewhere.
    static func residentMemoryBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
