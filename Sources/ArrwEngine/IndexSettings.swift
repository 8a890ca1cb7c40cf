import ArrwIndex

/// A library's index type with its parameters checked and defaulted: what `index_type` and
/// `index_params` mean. Parameters (integers; defaults in brackets):
///
/// | index_type | parameters |
/// | --- | --- |
/// | `brute_force` | none |
/// | `kd_tree` | `leaf_size` 1–10000 [32] |
/// | `lsh` | `tables` 1–64 [16], `bits` 1–32 [10], `probes` 1–1024 [10] |
/// | `hnsw` | `m` 2–128 [16], `ef_construction` 1–4096 [200], `ef_search` 1–4096 [64] |
/// | `ivf` | `nlist` 1–65536 [100], `nprobe` 1–65536 [16] |
///
/// An unknown parameter, a non-integer or an out-of-range value is a `validation_error` naming it.
/// For `ivf`, a defaulted `nprobe` is capped at `nlist`; a given one above `nlist` is an error.
///
/// `ef_search`, `nprobe` and LSH `probes` are search-time parameters: they shape no stored
/// structure, so a change of those alone applies to the live index at once, with no rebuild.
public struct IndexSettings: Sendable, Equatable {
    public let type: IndexType
    /// Every parameter of `type`, defaults filled in.
    public let parameters: [String: Int]

    private static let ranges: [IndexType: [String: (range: ClosedRange<Int>, defaultValue: Int)]] = [
        .bruteForce: [:],
        .kdTree: ["leaf_size": (1...10_000, 32)],
        .lsh: ["tables": (1...64, 16), "bits": (1...32, 10), "probes": (1...1024, 10)],
        .hnsw: ["m": (2...128, 16), "ef_construction": (1...4096, 200), "ef_search": (1...4096, 64)],
        .ivf: ["nlist": (1...65_536, 100), "nprobe": (1...65_536, 16)],
    ]

    public init(type: IndexType, parameters given: [String: JSONValue]) throws {
        let known = Self.ranges[type]!
        if let unknown = given.keys.sorted().first(where: { known[$0] == nil }) {
            let allowed = known.keys.sorted().joined(separator: ", ")
            throw EngineError.validation(
                "index_params key '\(unknown)' does not apply to index_type '\(type.rawValue)'"
                    + (allowed.isEmpty ? " (it takes none)" : " (it takes \(allowed))"),
                field: "index_params.\(unknown)")
        }
        var parameters: [String: Int] = [:]
        for (name, rule) in known {
            guard let value = given[name] else {
                parameters[name] = rule.defaultValue
                continue
            }
            guard let number = value.number, let integer = Int(exactly: number), rule.range.contains(integer) else {
                throw EngineError.validation(
                    "index_params.\(name) must be an integer in \(rule.range.lowerBound)...\(rule.range.upperBound)",
                    field: "index_params.\(name)")
            }
            parameters[name] = integer
        }
        if type == .ivf, parameters["nprobe"]! > parameters["nlist"]! {
            guard given["nprobe"] == nil else {
                throw EngineError.validation("index_params.nprobe must not exceed nlist", field: "index_params.nprobe")
            }
            parameters["nprobe"] = parameters["nlist"]
        }
        self.type = type
        self.parameters = parameters
    }

    /// The parameters that only steer searches (see the type's comment).
    static let searchTimeParameters: Set<String> = ["ef_search", "nprobe", "probes"]

    /// Whether `other` is this index with at most its search-time parameters changed.
    func differsOnlyInSearchParameters(from other: IndexSettings) -> Bool {
        type == other.type
            && parameters.filter { !Self.searchTimeParameters.contains($0.key) }
                == other.parameters.filter { !Self.searchTimeParameters.contains($0.key) }
    }

    /// Sets this settings' search-time parameters on `index` (built with the same structural ones).
    func applySearchParameters(to index: any VectorIndex) {
        switch index {
        case let hnsw as HNSWIndex: hnsw.efSearch = parameters["ef_search"]!
        case let ivf as IVFIndex: ivf.nprobe = parameters["nprobe"]!
        case let lsh as LSHIndex: lsh.probes = parameters["probes"]!
        default: break
        }
    }

    /// The parameters as the API reports them.
    public var json: [String: JSONValue] { parameters.mapValues { .int(Int64($0)) } }

    /// A new, empty index of this type.
    func makeIndex(dimension: Int, metric: DistanceMetric) -> any VectorIndex {
        let p = parameters
        switch type {
        case .bruteForce:
            return BruteForceIndex(dimension: dimension, metric: metric)
        case .kdTree:
            return KDTreeIndex(dimension: dimension, metric: metric, leafSize: p["leaf_size"]!)
        case .lsh:
            return LSHIndex(dimension: dimension, metric: metric, tables: p["tables"]!, bits: p["bits"]!, probes: p["probes"]!)
        case .hnsw:
            return HNSWIndex(dimension: dimension, metric: metric, m: p["m"]!, efConstruction: p["ef_construction"]!, efSearch: p["ef_search"]!)
        case .ivf:
            return IVFIndex(dimension: dimension, metric: metric, nlist: p["nlist"]!, nprobe: p["nprobe"]!)
        }
    }
}
