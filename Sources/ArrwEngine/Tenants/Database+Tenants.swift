import Foundation

extension ChangeEvent.Kind {
    public static let tenantCreated = Self(rawValue: "tenant.created")
    public static let tenantKeyRotated = Self(rawValue: "tenant.key_rotated")
    public static let tenantDeactivated = Self(rawValue: "tenant.deactivated")
    public static let tenantPurged = Self(rawValue: "tenant.purged")
    public static let tenantUpdated = Self(rawValue: "tenant.updated")
}

/// Tenants as durable server-wide state: each change is logged (`logServerChange`) before it
/// is answered, so an issued, rotated or revoked key survives a crash exactly as acknowledged.
/// Events carry only the tenant's id.
extension Database {
    /// The tenant registry (always registered, as the component `tenants`).
    public var tenants: TenantRegistry { serverState[TenantRegistry.componentName]!.component as! TenantRegistry }

    /// Logs a new tenant; its `keyHash` must not be another tenant's (keys are random).
    public func createTenant(_ tenant: Tenant) async throws {
        try await logTenantChange(.created(tenant), event: .tenantCreated, tenant.id)
    }

    /// Replaces the tenant's key hash: the old key stops working once this returns.
    public func rotateTenantKey(_ id: UUID, keyHash: [UInt8], at date: Date = Date()) async throws -> Tenant {
        _ = try existingTenant(id)
        try await logTenantChange(.rotated(id, keyHash: keyHash, at: date), event: .tenantKeyRotated, id)
        return try existingTenant(id)
    }

    /// Deactivates the tenant (its key is refused from then on); its libraries are kept.
    public func deactivateTenant(_ id: UUID, at date: Date = Date()) async throws {
        guard try existingTenant(id).isActive else { return }
        try await logTenantChange(.deactivated(id, at: date), event: .tenantDeactivated, id)
    }

    public func setTenantQuotas(_ id: UUID, _ quotas: TenantQuotas) async throws -> Tenant {
        _ = try existingTenant(id)
        try await logTenantChange(.quotas(id, quotas), event: .tenantUpdated, id)
        return try existingTenant(id)
    }

    /// Deletes every library of a deactivated tenant, then the tenant; returns how many
    /// libraries went. An active tenant is a 409: deactivate it first.
    public func purgeTenant(_ id: UUID) async throws -> Int {
        guard !(try existingTenant(id).isActive) else {
            throw EngineError(.tenantActive, message: "tenant \(id.lowercased) is active; deactivate it (DELETE) before purging it")
        }
        let owned = listLibraries().filter { $0.tenantId == id.lowercased }
        for library in owned { try await deleteLibrary(library.id.lowercased) }
        try await logTenantChange(.purged(id), event: .tenantPurged, id)
        return owned.count
    }

    /// The libraries of `tenantId` (empty: the default tenant's), oldest first.
    public func libraries(ofTenant tenantId: String) -> [LibraryInfo] {
        listLibraries().filter { $0.tenantId == tenantId }
    }

    func existingTenant(_ id: UUID) throws -> Tenant {
        guard let tenant = tenants.tenant(id) else { throw EngineError.tenantNotFound(id.lowercased) }
        return tenant
    }

    private func logTenantChange(_ change: TenantChange, event: ChangeEvent.Kind, _ id: UUID) async throws {
        try await logServerChange(
            component: TenantRegistry.componentName, payload: change.encode(), event: event, data: ["tenant_id": .string(id.lowercased)])
    }
}
