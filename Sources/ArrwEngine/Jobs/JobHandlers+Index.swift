import Foundation

extension JobHandlers {
    /// The original arrwDB's `index_config` keys, by ours.
    static let originalIndexKeys = ["M": "m", "ef_construction": "ef_construction", "ef_search": "ef_search",
                                    "num_tables": "tables", "hash_size": "bits"]

    /// The index change an `index_rebuild` input asks for: `index_type` and `index_params`, or
    /// the original arrwDB's `index_config` (its keys mapped onto ours). Neither means "rebuild
    /// the current index afresh".
    static func indexPatch(_ input: JSONValue) throws -> Database.LibraryPatch {
        let object = input.object ?? [:]
        let type = try object["index_type"].flatMap { value -> String? in
            if value == .null { return nil }
            guard let name = value.string else { throw EngineError.validation("'index_type' must be a string", field: "index_type") }
            return name
        }
        var parameters = object["index_params"].flatMap { $0 == .null ? nil : $0 }
        if parameters == nil, let config = object["index_config"], config != .null {
            guard let original = config.object else {
                throw EngineError.validation("'index_config' must be an object", field: "index_config")
            }
            parameters = .object(Dictionary(uniqueKeysWithValues: original.map { (originalIndexKeys[$0.key] ?? $0.key, $0.value) }))
        }
        return Database.LibraryPatch(indexType: type, indexParams: parameters)
    }

    /// `index_rebuild`: logs the asked-for index change on its first start (PATCH logs it
    /// itself and submits a job without one), builds the pending index in slices, swaps it in
    /// and writes a snapshot (the build itself is not logged), so a completed rebuild survives
    /// a restart. After a restart it starts the build again. Cancelled, it drops the pending
    /// change: the library keeps the index that served searches. Result: `old_index_type`,
    /// `new_index_type`, `total_vectors_reindexed`, `rebuild_time_ms` (and `superseded` when a
    /// later change replaced its target).
    func indexRebuild(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        let patch = try Self.indexPatch(context.job.input)
        if context.job.checkpoint == .null, patch.indexType != nil || patch.indexParams != nil {
            _ = try await database.updateLibrary(library, patch)
            try await context.checkpoint(current: 0, total: 0, message: "index change logged", checkpoint: .object(["applied": .bool(true)]))
        }
        do {
            let outcome = try await database.buildIndex(libraryId: library, optimize: true) { done, total in
                try await context.checkpoint(
                    current: done, total: total, message: "\(done) of \(total) vectors indexed", checkpoint: .object(["applied": .bool(true)]))
            }
            let current = try database.library(library).index
            switch outcome {
            case .completed(let report)?:
                try? await database.writeSnapshotAfterIndexSwap()
                return .object([
                    "old_index_type": .string(report.oldSettings.type.rawValue), "new_index_type": .string(report.newSettings.type.rawValue),
                    "index_params": .object(report.newSettings.json), "total_vectors_reindexed": .int(Int64(report.vectors)),
                    "rebuild_time_ms": .double(report.seconds * 1000),
                ])
            case .superseded?:
                return .object(["superseded": .bool(true), "new_index_type": .string(current.type.rawValue)])
            case nil:
                return .object([
                    "old_index_type": .string(current.type.rawValue), "new_index_type": .string(current.type.rawValue),
                    "index_params": .object(current.json), "total_vectors_reindexed": .int(0), "rebuild_time_ms": .double(0),
                ])
            }
        } catch is CancellationError where context.shouldStop && !Task.isCancelled {
            try await database.abandonIndexChange(libraryId: library)
            throw CancellationError()
        }
    }

    /// `index_optimize`: builds the current index afresh from the live vectors (HNSW drops its
    /// tombstones and shrinks, IVF retrains on all the data, KD-tree and LSH refit) and swaps it
    /// in; a pending index change is built instead. Starts again after a restart. Result:
    /// `vectors_compacted`, `memory_freed_bytes`, `optimization_time_ms`, `total_vectors`.
    func indexOptimize(_ context: JobContext) async throws -> JSONValue {
        let library = context.job.libraryId!.uuidString
        let outcome = try await database.buildIndex(libraryId: library, optimize: true) { done, total in
            try await context.checkpoint(current: done, total: total, message: "\(done) of \(total) vectors re-indexed", checkpoint: .null)
        }
        guard case .completed(let report)? = outcome else {
            return .object([
                "vectors_compacted": .int(0), "memory_freed_bytes": .int(0), "optimization_time_ms": .double(0),
                "total_vectors": .int(Int64(try database.statistics(library).chunkCount)),
            ])
        }
        return .object([
            "index_type": .string(report.newSettings.type.rawValue),
            "vectors_compacted": .int(Int64(report.vectorsCompacted)), "memory_freed_bytes": .int(Int64(report.memoryFreedBytes)),
            "optimization_time_ms": .double(report.seconds * 1000), "total_vectors": .int(Int64(report.vectors)),
        ])
    }
}
