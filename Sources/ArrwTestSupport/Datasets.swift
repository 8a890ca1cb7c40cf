import Foundation

/// The shared datasets folder (`../shared/datasets` beside the package root), or nil when it is
/// absent. The environment variable `ARRWDB_DATASETS_DIR` overrides the search. Otherwise the
/// search walks up from this source file (symlinks resolved) to each folder holding a
/// `Package.swift` and checks its `../shared/datasets`.
public func datasetsDirectory() -> String? {
    let files = FileManager.default
    var isDirectory: ObjCBool = false
    if let override = ProcessInfo.processInfo.environment["ARRWDB_DATASETS_DIR"] {
        return files.fileExists(atPath: override, isDirectory: &isDirectory) && isDirectory.boolValue ? override : nil
    }
    var folder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" && !folder.path.isEmpty {
        if files.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            let candidate = folder.deletingLastPathComponent().appendingPathComponent("shared/datasets").standardized
            if files.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue {
                return candidate.path
            }
        }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}

/// The shared datasets folder is absent: tests that need it fail with this error rather than
/// skip, so a missing checkout of `../shared/datasets` can never pass unnoticed.
public struct MissingDatasetsError: Error, CustomStringConvertible {
    public let description: String
}

/// ``datasetsDirectory()``, or a thrown ``MissingDatasetsError`` saying where it was looked for.
public func requireDatasetsDirectory() throws -> String {
    if let directory = datasetsDirectory() { return directory }
    let searched: String
    if let override = ProcessInfo.processInfo.environment["ARRWDB_DATASETS_DIR"] {
        searched = "ARRWDB_DATASETS_DIR=\(override) is not a directory"
    } else {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        searched = "no shared/datasets beside any Package.swift above \(here)"
    }
    throw MissingDatasetsError(description: "../shared/datasets is missing: \(searched); the recall tests "
        + "need it (put the shared folder beside the package, or set ARRWDB_DATASETS_DIR)")
}

/// One texmex dataset folder of `../shared/datasets`: base vectors, queries and the exact top-100
/// ground truth for one metric (`"angular"` or `"euclidean"`), all row-major.
public struct TexmexDataset: Sendable {
    public let dimension: Int
    /// `baseCount × dimension` floats; row `i` has id `i`.
    public let base: [Float]
    /// `queryCount × dimension` floats.
    public let queries: [Float]
    /// Neighbours kept per query in the ground truth (100).
    public let groundTruthDepth: Int
    /// `queryCount × groundTruthDepth` base ids, nearest first.
    public let groundTruthIDs: [Int32]
    /// The matching true distances, ascending (angular: 1 − cosine; euclidean: L2, not squared).
    public let groundTruthDistances: [Float]

    public var baseCount: Int { base.count / dimension }
    public var queryCount: Int { queries.count / dimension }

    /// Loads `datasets/<name>/` with `gt_<groundTruth>`; nil when the datasets folder is absent.
    public static func load(_ name: String, groundTruth: String) throws -> TexmexDataset? {
        guard let root = datasetsDirectory() else { return nil }
        return try load(root: root, name, groundTruth: groundTruth)
    }

    private static func load(root: String, _ name: String, groundTruth: String) throws -> TexmexDataset {
        let folder = root + "/" + name + "/"
        let base = try VectorFile.readFvecs(path: folder + "base.fvecs")
        let queries = try VectorFile.readFvecs(path: folder + "query.fvecs")
        let ids = try VectorFile.readIvecs(path: folder + "gt_\(groundTruth).ivecs")
        let distances = try VectorFile.readFvecs(path: folder + "gt_\(groundTruth).dist.fvecs")
        guard queries.dimension == base.dimension, ids.dimension == distances.dimension,
              ids.values.count == distances.values.count,
              ids.values.count / ids.dimension == queries.values.count / queries.dimension else {
            throw VectorFileError.malformed(path: folder, reason: "files disagree on shapes")
        }
        return TexmexDataset(dimension: base.dimension, base: base.values, queries: queries.values,
                             groundTruthDepth: ids.dimension, groundTruthIDs: ids.values,
                             groundTruthDistances: distances.values)
    }

    /// `load`, for a test that must not run without the datasets: throws ``MissingDatasetsError``
    /// when the datasets folder is absent.
    public static func required(_ name: String, groundTruth: String) throws -> TexmexDataset {
        try load(root: requireDatasetsDirectory(), name, groundTruth: groundTruth)
    }

    /// Base row `i` as an array.
    public func baseVector(_ i: Int) -> [Float] { Array(base[i * dimension ..< (i + 1) * dimension]) }
    /// Query row `q` as an array.
    public func query(_ q: Int) -> [Float] { Array(queries[q * dimension ..< (q + 1) * dimension]) }

    /// recall@k of one query, scored as ann-benchmarks does: a returned result counts as a hit
    /// when its distance is at most the true k-th distance plus `1e-5 × max(1, dₖ)`; hits / k.
    /// `returnedDistances` are the API distances of the results (see `DistanceMetric.apiDistance`).
    /// Precondition: `1 <= k <= groundTruthDepth`.
    public func recall(query q: Int, k: Int, returnedDistances: [Double]) -> Double {
        precondition(k >= 1 && k <= groundTruthDepth, "recall: k must be in 1...\(groundTruthDepth)")
        let kth = Double(groundTruthDistances[q * groundTruthDepth + k - 1])
        let limit = kth + 1e-5 * max(1, kth)
        let hits = returnedDistances.prefix(k).filter { $0 <= limit }.count
        return Double(hits) / Double(k)
    }
}
