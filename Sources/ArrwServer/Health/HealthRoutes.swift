import ArrwEngine
import Foundation
import Hummingbird

/// `/health` (the process answers), `/readiness` (it can serve: recovery done, model loaded;
/// before that `StartupServer` answers 503) and `/health/detailed` (each component checked for
/// real by `ComponentChecks`; 503 when one is unhealthy, so it can serve as a probe too); and
/// the original arrwDB's `/` (name, version, links), `/liveness` and `/ping`.
struct HealthRoutes<Context: RequestContext>: Sendable {
    let database: Database
    let version: String

    func register(on router: Router<Context>) {
        router.get("health") { _, _ in
            APIResponse.json(.object([
                "status": .string("healthy"), "version": .string(version), "timestamp": APIResponse.timestamp(Date()),
            ]))
        }
        router.get("/") { _, _ in
            APIResponse.json(.object([
                "name": .string("arrwDB"), "version": .string(version),
                "docs": .string("/docs"), "health": .string("/health"), "openapi": .string("/openapi.json"),
            ]))
        }
        router.get("liveness") { _, _ in
            APIResponse.json(.object(["status": .string("alive"), "timestamp": APIResponse.timestamp(Date())]))
        }
        router.get("ping") { _, _ in
            APIResponse.json(.object(["status": .string("ok"), "message": .string("pong")]))
        }
        router.get("readiness") { _, _ in
            APIResponse.json(.object(["ready": .bool(true)]))
        }
        router.get("health/detailed") { _, _ in
            let checks = ComponentChecks(database: database)
            let reports = [
                "engine": checks.engine(), "embedding": await checks.embedding(),
                "data_directory": checks.dataDirectory(), "storage": checks.writeAheadLog(),
            ]
            let status = reports.values.map(\.status).max() ?? .healthy
            return APIResponse.json(
                .object([
                    "status": .string(status.rawValue), "version": .string(version),
                    "components": .object(reports.mapValues(\.json)),
                ]),
                status: status == .unhealthy ? .serviceUnavailable : .ok)
        }
    }
}
