import ArrwEngine
import Foundation

/// A tenant's `max_libraries` and `max_vectors` quotas, checked before a write that would pass
/// them: 429 `quota_exceeded` naming the quota, its limit and the tenant's use.
enum TenantQuota {
    /// Before creating a library in `scope`.
    static func checkLibraries(database: Database, scope: AccessScope) throws {
        guard let tenant = tenant(of: scope, database), let limit = tenant.quotas.maxLibraries else { return }
        let used = database.libraries(ofTenant: scope.owner).count
        if used >= limit { throw exceeded("max_libraries", limit: limit, used: used) }
    }

    /// Before adding `adding` vectors (chunks) in `scope`.
    static func checkVectors(database: Database, scope: AccessScope, adding: Int) throws {
        guard let tenant = tenant(of: scope, database), let limit = tenant.quotas.maxVectors else { return }
        let used = database.libraries(ofTenant: scope.owner).reduce(0) { $0 + $1.chunkCount }
        if used + adding > limit { throw exceeded("max_vectors", limit: limit, used: used) }
    }

    private static func tenant(of scope: AccessScope, _ database: Database) -> Tenant? {
        scope.tenantId.flatMap(UUID.init(uuidString:)).flatMap(database.tenants.tenant)
    }

    private static func exceeded(_ quota: String, limit: Int, used: Int) -> EngineError {
        EngineError(
            .quotaExceeded, message: "the tenant's \(quota) quota is \(limit) and \(used) are used",
            details: ["quota": .string(quota), "limit": .int(Int64(limit)), "used": .int(Int64(used))])
    }
}
