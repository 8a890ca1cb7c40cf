import ArrwEngine
import Foundation
import Hummingbird

/// `/v1/admin/tenants`, the original arrwDB's tenant admin routes, open to the admin key only
/// (`AccessControl` refuses others with 401; each handler checks again):
///
/// - `POST` `{"name", "metadata"?, "expires_in_days"?, "quotas"?}` → 201 `{"tenant_id", "name",
///   "api_key", "created_at", "expires_at", "metadata", "quotas"}`; the key is shown only here.
/// - `GET` → `{"tenants": [..], "total"}`; `GET /{id}` → one, with `is_active`, `last_used_at`,
///   `request_count`, `library_count`, `rotated_at`, `deactivated_at`.
/// - `PATCH /{id}` `{"quotas"}`: `max_libraries`, `max_vectors`, `requests_per_minute` (null: none).
/// - `POST /{id}/rotate` → `{"tenant_id", "new_api_key", "rotated_at"}`: the old key is refused
///   from the next request on (no grace period), open streams opened with it are closed.
/// - `DELETE /{id}` → 204: deactivated; its key is refused, its libraries are kept.
/// - `POST /{id}/purge` → `{"tenant_id", "libraries_deleted"}`: a deactivated tenant's libraries
///   and the tenant itself are deleted (409 `tenant_active` for an active one).
struct TenantRoutes<Context: AccessScopedContext>: Sendable {
    let database: Database
    let body: JSONBodyReader

    static var maxNameLength: Int { 200 }
    static var maxExpiryDays: Double { 36_500 }

    func register(on router: Router<Context>) {
        let group = router.group("v1/admin/tenants")
        group.post { request, context in
            try Self.requireAdmin(context)
            let object = try await bodyObject(request)
            guard case .string(let name)? = object["name"], !name.isEmpty, name.count <= Self.maxNameLength else {
                throw EngineError.validation("'name' must be a string of 1-\(Self.maxNameLength) characters", field: "name")
            }
            let metadata = try JSONValue.objectField(object["metadata"], field: "metadata")
            let now = Date()
            let expiresAt = try optionalNumber(object, "expires_in_days").map { days in
                guard days > 0, days <= Self.maxExpiryDays else {
                    throw EngineError.validation("'expires_in_days' must be above 0 and at most \(Int(Self.maxExpiryDays))", field: "expires_in_days")
                }
                return now.addingTimeInterval(days * 86_400)
            }
            let key = TenantKeys.make()
            let tenant = Tenant(
                name: name, metadata: metadata, keyHash: TenantKeys.hash(key), createdAt: now, expiresAt: expiresAt,
                quotas: try Self.quotas(object["quotas"], current: TenantQuotas()))
            try await database.createTenant(tenant)
            var answer = json(tenant, detailed: false)
            answer["api_key"] = .string(key)
            return APIResponse.json(.object(answer), status: .created)
        }
        group.get { _, context in
            try Self.requireAdmin(context)
            let tenants = database.tenants.all
            return APIResponse.json(.object(["tenants": .array(tenants.map { .object(json($0, detailed: true)) }), "total": .int(Int64(tenants.count))]))
        }
        group.get(":tenant") { _, context in
            try Self.requireAdmin(context)
            return APIResponse.json(.object(json(try tenant(context), detailed: true)))
        }
        group.patch(":tenant") { request, context in
            try Self.requireAdmin(context)
            let tenant = try tenant(context)
            let object = try await bodyObject(request)
            if let unknown = object.keys.sorted().first(where: { $0 != "quotas" }) {
                throw EngineError.validation("only 'quotas' can be changed (not '\(unknown)')", field: unknown)
            }
            let updated = try await database.setTenantQuotas(tenant.id, try Self.quotas(object["quotas"], current: tenant.quotas))
            return APIResponse.json(.object(json(updated, detailed: true)))
        }
        group.post(":tenant/rotate") { _, context in
            try Self.requireAdmin(context)
            let tenant = try tenant(context)
            guard tenant.isActive else {
                throw EngineError.validation("tenant \(tenant.id.uuidString.lowercased()) is deactivated; its key cannot be rotated", field: "tenant_id")
            }
            let key = TenantKeys.make()
            let rotated = try await database.rotateTenantKey(tenant.id, keyHash: TenantKeys.hash(key))
            return APIResponse.json(.object([
                "tenant_id": .string(rotated.id.uuidString.lowercased()), "new_api_key": .string(key),
                "rotated_at": rotated.rotatedAt.map(APIResponse.timestamp) ?? .null,
            ]))
        }
        group.delete(":tenant") { _, context in
            try Self.requireAdmin(context)
            try await database.deactivateTenant(try tenant(context).id)
            return Response(status: .noContent)
        }
        group.post(":tenant/purge") { _, context in
            try Self.requireAdmin(context)
            let tenant = try tenant(context)
            let deleted = try await database.purgeTenant(tenant.id)
            return APIResponse.json(.object(["tenant_id": .string(tenant.id.uuidString.lowercased()), "libraries_deleted": .int(Int64(deleted))]))
        }
    }

    static func requireAdmin(_ context: Context) throws {
        guard context.access.isAdmin else { throw HTTPRefusal(.unauthorized, message: "this route needs the admin key (ADMIN_API_KEY)") }
    }

    private func tenant(_ context: Context) throws -> Tenant {
        let id = try context.parameters.require("tenant")
        guard let uuid = UUID(uuidString: id), let tenant = database.tenants.tenant(uuid) else { throw EngineError.tenantNotFound(id) }
        return tenant
    }

    private func bodyObject(_ request: Request) async throws -> [String: JSONValue] {
        guard let object = try await body.json(from: request).object else { throw EngineError.validation("the body must be a JSON object") }
        return object
    }

    /// `value` (a `quotas` object) over `current`: each named limit a whole number ≥ 0, or null for none.
    static func quotas(_ value: JSONValue?, current: TenantQuotas) throws -> TenantQuotas {
        guard let value, value != .null else { return current }
        guard let object = value.object else { throw EngineError.validation("'quotas' must be an object", field: "quotas") }
        let names = ["max_libraries", "max_vectors", "requests_per_minute"]
        if let unknown = object.keys.sorted().first(where: { !names.contains($0) }) {
            throw EngineError.validation("'quotas' takes \(names.joined(separator: ", ")) (not '\(unknown)')", field: "quotas.\(unknown)")
        }
        func limit(_ key: String, _ current: Int?) throws -> Int? {
            guard let field = object[key] else { return current }
            guard field != .null else { return nil }
            guard let number = field.number, let whole = Int(exactly: number), whole >= 0, whole <= 1_000_000_000_000 else {
                throw EngineError.validation("'quotas.\(key)' must be a whole number from 0, or null for none", field: "quotas.\(key)")
            }
            return whole
        }
        return TenantQuotas(
            maxLibraries: try limit("max_libraries", current.maxLibraries), maxVectors: try limit("max_vectors", current.maxVectors),
            requestsPerMinute: try limit("requests_per_minute", current.requestsPerMinute))
    }

    /// The tenant as answered; `detailed` adds its state and use.
    private func json(_ tenant: Tenant, detailed: Bool) -> [String: JSONValue] {
        func date(_ value: Date?) -> JSONValue { value.map(APIResponse.timestamp) ?? .null }
        func limit(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        var answer: [String: JSONValue] = [
            "tenant_id": .string(tenant.id.uuidString.lowercased()), "name": .string(tenant.name), "metadata": .object(tenant.metadata),
            "created_at": APIResponse.timestamp(tenant.createdAt), "expires_at": date(tenant.expiresAt),
            "quotas": .object([
                "max_libraries": limit(tenant.quotas.maxLibraries), "max_vectors": limit(tenant.quotas.maxVectors),
                "requests_per_minute": limit(tenant.quotas.requestsPerMinute),
            ]),
        ]
        guard detailed else { return answer }
        let usage = database.tenants.usage(tenant.id)
        answer["is_active"] = .bool(tenant.isActive && !tenant.isExpired(at: Date()))
        answer["last_used_at"] = date(usage.lastUsedAt)
        answer["request_count"] = .int(Int64(usage.requestCount))
        answer["rotated_at"] = date(tenant.rotatedAt)
        answer["deactivated_at"] = date(tenant.deactivatedAt)
        answer["library_count"] = .int(Int64(database.libraries(ofTenant: tenant.id.uuidString.lowercased()).count))
        return answer
    }
}
