import ArrwEmbedding
import ArrwEngine
import ArrwIndex
import Hummingbird

/// `/health` (alive), `/readiness` (able to serve) and `/health/detailed` (each component).
struct HealthRoutes<Context: RequestContext>: Sendable {
    let database: Database
    let version: String

    func register(on router: Router<Context>) {
        router.get("health") { _, _ in
            APIResponse.json(.object(["status": .string("healthy"), "version": .string(version)]))
        }
        router.get("readiness") { _, _ in
            APIResponse.json(.object(["ready": .bool(true)]))
        }
        router.get("health/detailed") { _, _ in
            let libraries = database.listLibraries()
            let storage = database.storageStatus
            let components: [String: JSONValue] = [
                "engine": .object([
                    "status": .string("healthy"),
                    "libraries": .int(Int64(libraries.count)),
                    "documents": .int(Int64(libraries.reduce(0) { $0 + $1.documentCount })),
                    "chunks": .int(Int64(libraries.reduce(0) { $0 + $1.chunkCount })),
                ]),
                "embedding": .object([
                    "status": .string("healthy"),
                    "model": .string(database.embedder.modelName),
                    "dimension": .int(Int64(database.embedder.dimension)),
                ]),
                "storage": .object([
                    "status": .string(storage.failure == nil ? "healthy" : "failed"),
                    "durable": .bool(storage.durable),
                    "data_dir": storage.dataDirectory.map(JSONValue.string) ?? .null,
                    "last_sequence": .int(Int64(storage.lastSequence)),
                    "durable_through": .int(Int64(storage.durableThrough)),
                    "wal_segments": .int(Int64(storage.walSegments)),
                    "wal_fsyncs": .int(Int64(storage.walSyncs)),
                    "snapshot_sequence": storage.snapshotSequence.map { .int(Int64($0)) } ?? .null,
                    "error": storage.failure.map(JSONValue.string) ?? .null,
                ]),
            ]
            return APIResponse.json(.object([
                "status": .string(storage.failure == nil ? "healthy" : "degraded"), "version": .string(version), "components": .object(components),
            ]))
        }
    }
}
