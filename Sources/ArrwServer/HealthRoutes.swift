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
            try APIResponse.json(.object(["status": .string("healthy"), "version": .string(version)]))
        }
        router.get("readiness") { _, _ in
            try APIResponse.json(.object(["ready": .bool(true)]))
        }
        router.get("health/detailed") { _, _ in
            let libraries = database.listLibraries()
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
                    "status": .string("healthy"),
                    "mode": .string("memory"),
                    "durable": .bool(false),
                ]),
            ]
            return try APIResponse.json(.object([
                "status": .string("healthy"), "version": .string(version), "components": .object(components),
            ]))
        }
    }
}
