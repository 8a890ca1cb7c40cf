import ArrwEmbedding
import ArrwEmbeddingRemote
import ArrwEngine
import Foundation

/// The checks behind `GET /health/detailed`, each of which really exercises its component:
/// the embedding provider embeds a probe text (within `embeddingTimeout`), the data directory
/// takes a file written, synced and removed, the file system's free space is read, and the
/// write-ahead log's state is reported. A component is `healthy`, `degraded` (working, but
/// needs attention: free space under `lowDiskBytes`) or `unhealthy` (failing).
struct ComponentChecks: Sendable {
    let database: Database
    var embeddingTimeout: Duration = .seconds(5)
    var lowDiskBytes: Int64 = 256 << 20

    enum Status: String, Comparable {
        case healthy, degraded, unhealthy

        static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
        private var rank: Int { self == .healthy ? 0 : self == .degraded ? 1 : 2 }
    }

    /// One component's report: its status and what was measured.
    struct Report {
        var status: Status
        var fields: [String: JSONValue]

        var json: JSONValue { .object(fields.merging(["status": .string(status.rawValue)]) { $1 }) }
    }

    /// The default provider, probed with one query; every provider's model, dimension and,
    /// for a remote one, its calls (`providers`, by name).
    func embedding() async -> Report {
        let embedder = database.embedders.defaultProvider
        var fields: [String: JSONValue] = [
            "provider": .string(embedder.name), "model": .string(embedder.modelName), "dimension": .int(Int64(embedder.dimension)),
        ]
        let providers = Dictionary(uniqueKeysWithValues: database.embedders.all.map { ($0.name, Self.state(of: $0)) })
        fields["providers"] = .object(providers)
        if let remote = providers[embedder.name]?.object?["remote"] { fields["remote"] = remote }
        let start = ContinuousClock.now
        do {
            let probe = "arrwDB health check \(UInt64.random(in: 0...UInt64.max))"
            let vectors = try await withTimeout(embeddingTimeout) { try await embedder.embed([probe], purpose: .query) }
            fields["latency_ms"] = .double(((ContinuousClock.now - start) / .microseconds(1)).rounded() / 1000)
            guard vectors.count == 1, vectors[0].count == embedder.dimension, vectors[0].allSatisfy(\.isFinite) else {
                fields["error"] = .string("the provider answered a probe with a malformed vector")
                return Report(status: .unhealthy, fields: fields)
            }
            return Report(status: .healthy, fields: fields)
        } catch {
            fields["error"] = .string("\(error)")
            return Report(status: .unhealthy, fields: fields)
        }
    }

    /// A provider's model and dimension, and for a remote one its calls so far.
    static func state(of provider: CachingEmbedder) -> JSONValue {
        var fields: [String: JSONValue] = ["model": .string(provider.modelName), "dimension": .int(Int64(provider.dimension))]
        if let remote = provider.base as? any RemoteProvider {
            let calls = remote.statistics.snapshot
            let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            fields["remote"] = .object([
                "attempts": .int(Int64(calls.attempts)), "retries": .int(Int64(calls.retries)), "failures": .int(Int64(calls.failures)),
                "last_success": calls.lastSuccess.map { .string($0.formatted(time)) } ?? .null,
                "last_error": calls.lastError.map(JSONValue.string) ?? .null,
                "last_error_at": calls.lastErrorAt.map { .string($0.formatted(time)) } ?? .null,
            ])
        }
        return .object(fields)
    }

    func dataDirectory() -> Report {
        guard let directory = database.storageStatus.dataDirectory else {
            return Report(status: .healthy, fields: ["durable": .bool(false), "writable": .null])
        }
        var fields: [String: JSONValue] = ["path": .string(directory), "durable": .bool(true)]

        let probe = directory + "/.health-probe-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        let writable = descriptor >= 0 && write(descriptor, "ok", 2) == 2 && fsync(descriptor) == 0
        if descriptor >= 0 {
            close(descriptor)
            unlink(probe)
        }
        fields["writable"] = .bool(writable)
        var status: Status = writable ? .healthy : .unhealthy
        if !writable { fields["error"] = .string("cannot write a file in \(directory): \(String(cString: strerror(errno)))") }
        var space = statvfs()
        if statvfs(directory, &space) == 0 {
            let free = Int64(space.f_bavail) * Int64(space.f_frsize)
            fields["free_bytes"] = .int(free)
            fields["total_bytes"] = .int(Int64(space.f_blocks) * Int64(space.f_frsize))
            if free < lowDiskBytes {
                status = max(status, .degraded)
                fields["warning"] = .string("less than \(lowDiskBytes >> 20) MiB free")
            }
        }
        return Report(status: status, fields: fields)
    }

    func writeAheadLog() -> Report {
        let storage = database.storageStatus
        return Report(
            status: storage.failure == nil ? .healthy : .unhealthy,
            fields: [
                "durable": .bool(storage.durable),
                "data_dir": storage.dataDirectory.map(JSONValue.string) ?? .null,
                "last_sequence": .int(Int64(storage.lastSequence)),
                "durable_through": .int(Int64(storage.durableThrough)),
                "wal_segments": .int(Int64(storage.walSegments)),
                "wal_fsyncs": .int(Int64(storage.walSyncs)),
                "snapshot_sequence": storage.snapshotSequence.map { .int(Int64($0)) } ?? .null,
                "error": storage.failure.map(JSONValue.string) ?? .null,
            ])
    }

    func engine() -> Report {
        let libraries = database.listLibraries()
        return Report(
            status: .healthy,
            fields: [
                "libraries": .int(Int64(libraries.count)),
                "documents": .int(Int64(libraries.reduce(0) { $0 + $1.documentCount })),
                "chunks": .int(Int64(libraries.reduce(0) { $0 + $1.chunkCount })),
            ])
    }
}

/// The timeout a health check gives up after.
struct HealthCheckTimeout: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "no answer within \(limit)" }
}

/// `operation`'s result, or `HealthCheckTimeout` once `limit` has passed (the operation is
/// then cancelled).
func withTimeout<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw HealthCheckTimeout(limit: limit)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
