import ArrwEmbedding
import ArrwIndex
import Foundation
import Synchronization

/// The arrwDB engine: the catalog of libraries and every operation on them, independent of
/// any transport. All methods are safe to call concurrently; errors are `EngineError`s.
///
/// Durable when opened on a data directory (`open(directory:…)`): every change is logged in the
/// write-ahead log before it is applied and acknowledged only once durable, snapshots hold the
/// whole state including indexes, and reopening recovers it (see `Database+Recovery.swift`).
/// `init(embedders:limits:)` makes an in-memory database with the same behaviour otherwise.
///
/// Invariants: library names are unique (case-sensitive); a library's id never changes.
public final class Database: Sendable {
    public let limits: EngineLimits
    /// The embedding providers by name; each library is bound to one (`LibraryInfo.embeddingProvider`).
    public let embedders: EmbeddingProviders
    let catalog: Mutex<Catalog>
    let journal: Journal
    /// Server-wide state components by name (jobs, tenants), fixed at creation.
    let serverState: [String: ServerStateSlot]
    /// The durable job table (always registered as the component `jobs`).
    public var jobs: JobTable { serverState[JobTable.componentName]!.component as! JobTable }
    /// The data directory's lock, snapshots and log, attached once recovery is done; nil in memory.
    private let attachedStorage = Mutex<DurableStorage?>(nil)
    /// Moves each library's fresh tail into its index in the background.
    let indexBuilder = IndexBuilder()
    /// Who hears of searches, writes and index builds (metrics); empty until the server sets it.
    let observers = ObserverSlot()
    /// The tenants of libraries deleted while this process ran, for `owner(ofLibrary:)`.
    let deletedOwners = Mutex<[UUID: String]>([:])
    /// Positions readers of the log still need (`retainLog`).
    let logFloors = Mutex<[@Sendable () -> UInt64?]>([])
    var storage: DurableStorage? { attachedStorage.withLock { $0 } }

    struct Catalog {
        var libraries: [UUID: LibraryStore] = [:]
        var idsByName: [LibraryName: UUID] = [:]
    }

    /// What a library's name must be unique within: its tenant.
    struct LibraryName: Hashable {
        var tenantId: String
        var name: String

        init(_ info: LibraryInfo) {
            tenantId = info.tenantId
            name = info.name
        }
    }

    /// An in-memory database: nothing survives the process. The event bus keeps the last
    /// `eventRetention` changes for subscribers resuming with `since`.
    public convenience init(
        embedders: EmbeddingProviders, limits: EngineLimits = EngineLimits(), eventRetention: Int = EventBus.defaultRetention,
        components: [any ServerStateComponent] = []
    ) {
        self.init(
            embedders: embedders, limits: limits, catalog: Catalog(), journal: Journal(bus: EventBus(retention: eventRetention)),
            serverState: Self.slots(components))
        startIndexBuilder()
    }

    /// An in-memory database with one embedding provider, named `default`.
    public convenience init(
        embedder: any EmbeddingProvider, limits: EngineLimits = EngineLimits(), eventRetention: Int = EventBus.defaultRetention,
        components: [any ServerStateComponent] = []
    ) {
        self.init(embedders: EmbeddingProviders(only: embedder), limits: limits, eventRetention: eventRetention, components: components)
    }

    init(embedders: EmbeddingProviders, limits: EngineLimits, catalog: Catalog, journal: Journal, serverState: [String: ServerStateSlot]) {
        self.embedders = embedders
        self.limits = limits
        self.catalog = Mutex(catalog)
        self.journal = journal
        self.serverState = serverState
    }

    /// The components by name, the job table and the tenant registry among them; two with one name are a programming error.
    static func slots(_ components: [any ServerStateComponent]) -> [String: ServerStateSlot] {
        var components = components
        if !components.contains(where: { $0 is JobTable }) { components.append(JobTable()) }
        if !components.contains(where: { $0 is TenantRegistry }) { components.append(TenantRegistry()) }
        return Dictionary(components.map { ($0.name, ServerStateSlot($0)) }) { first, _ in
            preconditionFailure("two server state components are named '\(first.component.name)'")
        }
    }

    deinit {
        indexBuilder.stop()
    }

    /// Starts the background builder (once the catalog is complete: after recovery).
    func startIndexBuilder() {
        indexBuilder.start { [weak self] in
            self?.catalog.withLock { Array($0.libraries.values) } ?? []
        }
    }

    /// Makes the database durable from now on: changes go to `storage`'s log.
    func attach(_ storage: DurableStorage) {
        journal.attach(storage.log)
        attachedStorage.withLock { $0 = storage }
    }

    /// A library as the user asked for it; every field is checked by `createLibrary`.
    public struct LibraryDraft: Sendable {
        public var name: String?
        public var description: String?
        public var indexType: String?
        public var indexParams: JSONValue?
        public var metric: String?
        public var metadata: JSONValue?
        public var dimension: Int?
        /// `english` (nil), `simple` or `none` (see `TextAnalyzerChoice`).
        public var textAnalyzer: String?
        /// The embedding provider's name, or a model only one provider serves; nil: the default.
        public var embeddingModel: String?
        /// The owning tenant (`LibraryInfo.tenantId`); empty for the default tenant.
        public var tenantId = ""

        public init(
            name: String?, description: String? = nil, indexType: String? = nil, indexParams: JSONValue? = nil,
            metric: String? = nil, metadata: JSONValue? = nil, dimension: Int? = nil, textAnalyzer: String? = nil,
            embeddingModel: String? = nil
        ) {
            self.embeddingModel = embeddingModel
            self.textAnalyzer = textAnalyzer
            self.name = name
            self.description = description
            self.indexType = indexType
            self.indexParams = indexParams
            self.metric = metric
            self.metadata = metadata
            self.dimension = dimension
        }
    }

    /// Changes to a library; nil leaves a field as it is. `metadata` replaces the whole object.
    public struct LibraryPatch: Sendable {
        public var description: String?
        public var metadata: JSONValue?
        public var indexType: String?
        public var indexParams: JSONValue?

        public init(description: String? = nil, metadata: JSONValue? = nil, indexType: String? = nil, indexParams: JSONValue? = nil) {
            self.description = description
            self.metadata = metadata
            self.indexType = indexType
            self.indexParams = indexParams
        }
    }

    public func createLibrary(_ draft: LibraryDraft) async throws -> LibraryInfo {
        guard let name = draft.name else { throw EngineError.validation("'name' is required", field: "name") }
        guard !name.isEmpty, name.count <= limits.maxNameLength else {
            throw EngineError.validation("'name' must be 1-\(limits.maxNameLength) characters", field: "name")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw EngineError.validation("'name' must not contain control characters", field: "name")
        }
        let metric = try parseMetric(draft.metric)
        let index = try IndexSettings(
            type: parseIndexType(draft.indexType) ?? .bruteForce,
            parameters: JSONValue.objectField(draft.indexParams, field: "index_params"))
        if let dimension = draft.dimension, !(1...limits.maxDimension).contains(dimension) {
            throw EngineError.validation("'dimension' must be between 1 and \(limits.maxDimension)", field: "dimension")
        }
        let description = try checkedDescription(draft.description) ?? ""
        let analyzer = try draft.textAnalyzer.map { name in
            guard let choice = TextAnalyzerChoice(rawValue: name) else {
                throw EngineError.validation(
                    "'text_analyzer' must be one of \(TextAnalyzerChoice.allCases.map(\.rawValue).joined(separator: ", "))", field: "text_analyzer")
            }
            return choice
        } ?? .english
        let provider = try draft.embeddingModel.map { try namedProvider($0, field: "embedding_model") } ?? embedders.defaultProvider
        let now = Date()
        var info = LibraryInfo(
            id: UUID(), name: name, description: description, index: index, metric: metric, dimension: draft.dimension,
            embeddingModel: provider.modelName, metadata: try JSONValue.objectField(draft.metadata, field: "metadata"),
            createdAt: now, updatedAt: now, documentCount: 0, chunkCount: 0)
        info.textAnalyzer = analyzer
        info.embeddingProvider = provider.name
        info.tenantId = draft.tenantId
        let sequence = try catalog.withLock { catalog in
            guard catalog.idsByName[LibraryName(info)] == nil else { throw EngineError.duplicateLibraryName(name) }
            let sequence = try journal.append(.createLibrary(info))
            applyCreate(info, sequence: sequence, to: &catalog)
            return sequence
        }
        try await journal.waitUntilDurable(sequence)
        return info
    }

    /// Adds a logged library to the catalog (a first write or a replay).
    func applyCreate(_ info: LibraryInfo, sequence: UInt64, to catalog: inout Catalog) {
        let store = LibraryStore(settings: info, journal: journal)
        store.appliedThrough = sequence
        catalog.idsByName[LibraryName(info)] = info.id
        catalog.libraries[info.id] = store
    }

    /// Every library, oldest first.
    public func listLibraries() -> [LibraryInfo] {
        let stores = catalog.withLock { Array($0.libraries.values) }
        return stores.map(\.info).sorted { ($0.createdAt, $0.name) < ($1.createdAt, $1.name) }
    }

    /// The tenant that owns (or owned, if it was deleted since start-up) library `id`: what a
    /// tenant's event subscription filters on. Nil for a library this process never knew.
    public func owner(ofLibrary id: UUID) -> String? {
        if let store = catalog.withLock({ $0.libraries[id] }) { return store.tenantId }
        return deletedOwners.withLock { $0[id] }
    }

    public func library(_ id: String) throws -> LibraryInfo {
        try store(id).info
    }

    public func statistics(_ id: String) throws -> LibraryStatistics {
        try store(id).statistics
    }

    /// Applies `patch`. A new index type or new parameters (a type without parameters takes
    /// that type's defaults; parameters without a type keep the current type) are logged and
    /// leave a build pending (`rebuilding`), which an `index_rebuild` job drives with
    /// `buildIndex`: searches use the old index until the new one is swapped in. A change of
    /// search-time parameters only applies at once.
    public func updateLibrary(_ id: String, _ patch: LibraryPatch) async throws -> (LibraryInfo, rebuilding: Bool) {
        let store = try store(id)
        let description = try checkedDescription(patch.description)
        let metadata = try patch.metadata.map { try JSONValue.objectField($0, field: "metadata") }
        let target = try indexTarget(of: patch, for: store.info)
        var (_, sequence) = try store.update(description: description, metadata: metadata)
        var rebuilding = false
        if let target {
            let change = try store.changeIndex(to: target)
            rebuilding = change.rebuilding
            sequence = change.sequence ?? sequence
        }
        if let sequence { try await journal.waitUntilDurable(sequence) }
        return (store.info, rebuilding)
    }

    /// The index settings `patch` asks for, checked, or nil when it names no index change.
    func indexTarget(of patch: LibraryPatch, for current: LibraryInfo) throws -> IndexSettings? {
        guard patch.indexType != nil || patch.indexParams != nil else { return nil }
        let type = try parseIndexType(patch.indexType) ?? current.indexType
        let parameters = try patch.indexParams.map { try JSONValue.objectField($0, field: "index_params") }
            ?? (type == current.indexType ? current.indexParams : [:])
        return try IndexSettings(type: type, parameters: parameters)
    }

    /// Drives the library's pending index build (or, with `optimize` and none pending, a fresh
    /// build of its current index) in the calling task; see `LibraryStore.buildPending`. Nil
    /// when there was nothing to build.
    public func buildIndex(
        libraryId: String, optimize: Bool, progress: (Int, Int) async throws -> Void
    ) async throws -> IndexBuildOutcome? {
        defer { indexBuilder.wake() }
        let outcome = try await store(libraryId).buildPending(optimizeIfIdle: optimize, progress: progress)
        if case .completed(let report)? = outcome {
            observers.current?.indexBuilt(
                libraryId: libraryId, indexType: report.newSettings.type.rawValue, vectors: report.vectors, seconds: report.seconds)
        }
        return outcome
    }

    /// Drops the library's pending index change (a cancelled `index_rebuild`), logging a change
    /// back to the index that serves searches.
    public func abandonIndexChange(libraryId: String) async throws {
        if let sequence = try store(libraryId).abandonPendingBuild() { try await journal.waitUntilDurable(sequence) }
    }

    /// The libraries whose logged index change waits for its build.
    public var librariesAwaitingBuild: [UUID] {
        catalog.withLock { Array($0.libraries.values) }.filter(\.hasPendingBuild).map(\.id)
    }

    public func deleteLibrary(_ id: String) async throws {
        let store = try store(id)
        let sequence = try store.markDeleted()
        applyDelete(store)
        try await journal.waitUntilDurable(sequence)
    }

    /// Removes a library whose deletion was logged from the catalog.
    func applyDelete(_ store: LibraryStore) {
        catalog.withLock { catalog in
            guard catalog.libraries[store.id] === store else { return }
            catalog.libraries.removeValue(forKey: store.id)
            deletedOwners.withLock { $0[store.id] = store.settings.tenantId }
            catalog.idsByName.removeValue(forKey: LibraryName(store.settings))
        }
    }

    func store(_ id: String) throws -> LibraryStore {
        let uuid = try parseLibraryId(id)
        guard let store = catalog.withLock({ $0.libraries[uuid] }) else { throw EngineError.libraryNotFound(id) }
        return store
    }

    private func parseLibraryId(_ id: String) throws -> UUID {
        guard let uuid = UUID(text: id) else { throw EngineError.libraryNotFound(id) }
        return uuid
    }

    private func checkedDescription(_ description: String?) throws -> String? {
        if let description, description.count > limits.maxDescriptionLength {
            throw EngineError.limitExceeded(
                "'description' is longer than \(limits.maxDescriptionLength) characters",
                limit: limits.maxDescriptionLength, field: "description")
        }
        return description
    }

    private func parseMetric(_ name: String?) throws -> DistanceMetric {
        guard let name else { return .cosine }
        guard let metric = DistanceMetric(rawValue: name) else {
            throw EngineError.validation("'metric' must be one of cosine, l2, dot; got '\(name)'", field: "metric")
        }
        return metric
    }

    private func parseIndexType(_ name: String?) throws -> IndexType? {
        guard let name else { return nil }
        guard let type = IndexType(rawValue: name) else {
            let known = IndexType.allCases.map(\.rawValue).joined(separator: ", ")
            throw EngineError.validation("'index_type' must be one of \(known); got '\(name)'", field: "index_type")
        }
        return type
    }
}
