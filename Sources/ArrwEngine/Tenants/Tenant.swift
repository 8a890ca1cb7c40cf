import ArrwIndex
import Foundation

/// One tenant: a user of the server whose key sees only its own libraries. The engine keeps
/// the SHA-256 of the tenant's key, never the key itself (the server makes and hashes keys).
///
/// Invariants: `keyHash` is 32 bytes and unique among tenants; a tenant that is not active
/// (deactivated) is never made active again; `deactivatedAt` is set exactly when it is not.
public struct Tenant: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var metadata: [String: JSONValue]
    public var keyHash: [UInt8]
    public var createdAt: Date
    /// When the key stops working, if ever.
    public var expiresAt: Date?
    /// When the key was last replaced by a new one.
    public var rotatedAt: Date?
    public var deactivatedAt: Date?
    public var quotas: TenantQuotas

    public var isActive: Bool { deactivatedAt == nil }

    public init(
        id: UUID = UUID(), name: String, metadata: [String: JSONValue] = [:], keyHash: [UInt8], createdAt: Date = Date(),
        expiresAt: Date? = nil, quotas: TenantQuotas = TenantQuotas()
    ) {
        self.id = id
        self.name = name
        self.metadata = metadata
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.quotas = quotas
    }

    /// Whether the key had expired at `date`.
    public func isExpired(at date: Date) -> Bool { expiresAt.map { date >= $0 } ?? false }
}

/// A tenant's limits; nil is no limit.
public struct TenantQuotas: Sendable, Equatable {
    /// Libraries the tenant may hold at once.
    public var maxLibraries: Int?
    /// Vectors (chunks) over all of the tenant's libraries.
    public var maxVectors: Int?
    /// Requests a minute, counted per tenant over all its connections.
    public var requestsPerMinute: Int?

    public init(maxLibraries: Int? = nil, maxVectors: Int? = nil, requestsPerMinute: Int? = nil) {
        self.maxLibraries = maxLibraries
        self.maxVectors = maxVectors
        self.requestsPerMinute = requestsPerMinute
    }
}

/// How often and when a tenant's key was last used: counted in memory on every request and
/// kept by snapshots, so a crash loses at most the counts since the last snapshot.
public struct TenantUsage: Sendable, Equatable {
    public var requestCount = 0
    public var lastUsedAt: Date?
}

extension ByteWriter {
    mutating func write(tenant: Tenant) {
        write(uuid: tenant.id)
        write(string: tenant.name)
        write(object: tenant.metadata)
        write(block: tenant.keyHash)
        write(date: tenant.createdAt)
        write(optionalDate: tenant.expiresAt)
        write(optionalDate: tenant.rotatedAt)
        write(optionalDate: tenant.deactivatedAt)
        write(quotas: tenant.quotas)
    }

    mutating func write(quotas: TenantQuotas) {
        for limit in [quotas.maxLibraries, quotas.maxVectors, quotas.requestsPerMinute] { write(Int64(limit ?? -1)) }
    }
}

extension ByteReader {
    mutating func readTenant() throws -> Tenant {
        let id = try readUUID()
        let name = try readString()
        let metadata = try readObject()
        var hash = try readBlock()
        let keyHash = try hash.readIntegers(UInt8.self, count: hash.remaining)
        var tenant = Tenant(id: id, name: name, metadata: metadata, keyHash: keyHash, createdAt: try readDate())
        tenant.expiresAt = try readOptionalDate()
        tenant.rotatedAt = try readOptionalDate()
        tenant.deactivatedAt = try readOptionalDate()
        tenant.quotas = try readQuotas()
        return tenant
    }

    mutating func readQuotas() throws -> TenantQuotas {
        func limit(_ value: Int64) -> Int? { value < 0 ? nil : Int(value) }
        return TenantQuotas(
            maxLibraries: limit(try read(Int64.self)), maxVectors: limit(try read(Int64.self)), requestsPerMinute: limit(try read(Int64.self)))
    }
}
