import ArrwIndex
import Foundation
import Synchronization

/// One logged change to the tenant registry: the payload of a server-state change record of
/// the component `tenants`. Encoding with `BinaryCoding`: UInt8 kind, then 1 created: the
/// tenant (`write(tenant:)`); 2 key rotated: UUID, key hash block, Date; 3 deactivated: UUID,
/// Date; 4 purged: UUID; 5 quotas set: UUID, three Int64 (−1 for none).
enum TenantChange: Equatable {
    case created(Tenant)
    case rotated(UUID, keyHash: [UInt8], at: Date)
    case deactivated(UUID, at: Date)
    case purged(UUID)
    case quotas(UUID, TenantQuotas)

    func encode() -> [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .created(let tenant):
            writer.write(UInt8(1))
            writer.write(tenant: tenant)
        case .rotated(let id, let keyHash, let at):
            writer.write(UInt8(2))
            writer.write(uuid: id)
            writer.write(block: keyHash)
            writer.write(date: at)
        case .deactivated(let id, let at):
            writer.write(UInt8(3))
            writer.write(uuid: id)
            writer.write(date: at)
        case .purged(let id):
            writer.write(UInt8(4))
            writer.write(uuid: id)
        case .quotas(let id, let quotas):
            writer.write(UInt8(5))
            writer.write(uuid: id)
            writer.write(quotas: quotas)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> TenantChange {
        var reader = ByteReader(bytes)
        let change: TenantChange
        switch try reader.read(UInt8.self) {
        case 1: change = .created(try reader.readTenant())
        case 2:
            let id = try reader.readUUID()
            var hash = try reader.readBlock()
            change = .rotated(id, keyHash: try hash.readIntegers(UInt8.self, count: hash.remaining), at: try reader.readDate())
        case 3: change = .deactivated(try reader.readUUID(), at: try reader.readDate())
        case 4: change = .purged(try reader.readUUID())
        case 5: change = .quotas(try reader.readUUID(), try reader.readQuotas())
        case let kind: throw IndexFormatError.corrupt("unknown tenant change \(kind)")
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after a tenant change") }
        return change
    }
}

/// The durable tenant registry: every tenant until purged, rebuilt from its logged changes and
/// kept in snapshots as the required section `server.tenants`, version 1: UInt32 count, then
/// each tenant (`write(tenant:)`) followed by its usage (request count UInt64, last use flag +
/// Date). Looks a tenant up by the hash of its key in one dictionary probe.
///
/// Invariants: `byKeyHash` maps exactly the current key hash of every tenant to its id;
/// usage is counted in memory only (`match`), never logged per request.
public final class TenantRegistry: ServerStateComponent {
    static let componentName = "tenants"
    public let name = TenantRegistry.componentName
    public let sectionVersion: UInt16 = 1
    public let sectionRequired = true

    private struct State {
        var tenants: [UUID: Tenant] = [:]
        var byKeyHash: [[UInt8]: UUID] = [:]
        var usage: [UUID: TenantUsage] = [:]
        /// Each tenant's id as the API writes it, made once (formatting a UUID costs a `sprintf`).
        var idTexts: [UUID: String] = [:]

        mutating func add(_ tenant: Tenant) {
            tenants[tenant.id] = tenant
            byKeyHash[tenant.keyHash] = tenant.id
            idTexts[tenant.id] = tenant.id.uuidString.lowercased()
        }
    }
    private let state = Mutex(State())
    /// Whether a tenant exists, readable without the lock on every request.
    private let hasTenants = Atomic<Bool>(false)

    public init() {}

    /// Whether no tenant was ever created (or all were purged).
    public var isEmpty: Bool { !hasTenants.load(ordering: .acquiring) }

    /// What a request needs to know of the tenant whose key hashes to `keyHash`.
    public struct KeyMatch: Sendable {
        public var tenant: Tenant
        /// `tenant.id`, lower-case, as libraries record their owner.
        public var idText: String
    }

    /// The tenant whose current key hashes to `keyHash` (active or not), counting one use of it
    /// at `date` when `countingUse`; one lock acquisition, for the request path.
    public func match(keyHash: [UInt8], countingUse: Bool, at date: Date) -> KeyMatch? {
        state.withLock { state in
            guard let id = state.byKeyHash[keyHash], let tenant = state.tenants[id], let idText = state.idTexts[id] else { return nil }
            if countingUse, tenant.isActive {
                state.usage[id, default: TenantUsage()].requestCount += 1
                state.usage[id]?.lastUsedAt = date
            }
            return KeyMatch(tenant: tenant, idText: idText)
        }
    }

    /// Every tenant, oldest first.
    public var all: [Tenant] {
        state.withLock { Array($0.tenants.values) }.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    public func tenant(_ id: UUID) -> Tenant? { state.withLock { $0.tenants[id] } }

    public func usage(_ id: UUID) -> TenantUsage { state.withLock { $0.usage[id] ?? TenantUsage() } }

    public func apply(_ payload: [UInt8], sequence: UInt64, at: Date) throws {
        let change = try TenantChange.decode(payload)
        state.withLock { state in
            switch change {
            case .created(let tenant):
                state.add(tenant)
            case .rotated(let id, let keyHash, let at):
                guard var tenant = state.tenants[id] else { return }
                state.byKeyHash.removeValue(forKey: tenant.keyHash)
                tenant.keyHash = keyHash
                tenant.rotatedAt = at
                state.tenants[id] = tenant
                state.byKeyHash[keyHash] = id
            case .deactivated(let id, let at):
                guard state.tenants[id]?.deactivatedAt == nil else { return }
                state.tenants[id]?.deactivatedAt = at
            case .purged(let id):
                guard let tenant = state.tenants.removeValue(forKey: id) else { return }
                state.byKeyHash.removeValue(forKey: tenant.keyHash)
                state.usage.removeValue(forKey: id)
                state.idTexts.removeValue(forKey: id)
            case .quotas(let id, let quotas):
                state.tenants[id]?.quotas = quotas
            }
            hasTenants.store(!state.tenants.isEmpty, ordering: .releasing)
        }
    }

    public func encodeSection() throws -> [UInt8] {
        var writer = ByteWriter()
        let (tenants, usage) = state.withLock { state in (state.tenants.values.sorted { $0.id.uuidString < $1.id.uuidString }, state.usage) }
        writer.write(UInt32(tenants.count))
        for tenant in tenants {
            writer.write(tenant: tenant)
            let used = usage[tenant.id] ?? TenantUsage()
            writer.write(UInt64(used.requestCount))
            writer.write(optionalDate: used.lastUsedAt)
        }
        return writer.bytes
    }

    public func restore(_ bytes: [UInt8], version: UInt16) throws {
        guard version == 1 else { throw IndexFormatError.corrupt("tenant registry version \(version) is newer than this build reads") }
        var reader = ByteReader(bytes)
        var restored = State()
        for _ in 0..<Int(try reader.read(UInt32.self)) {
            let tenant = try reader.readTenant()
            restored.add(tenant)
            restored.usage[tenant.id] = TenantUsage(requestCount: Int(try reader.read(UInt64.self)), lastUsedAt: try reader.readOptionalDate())
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after the tenant registry") }
        state.withLock { $0 = restored }
        hasTenants.store(!restored.tenants.isEmpty, ordering: .releasing)
    }
}
