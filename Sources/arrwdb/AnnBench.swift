import ArgumentParser
import ArrwIndex
import Foundation

/// `arrwdb ann-bench`: one arrwDB index as an external peer of `../shared/bench/ann_peers.py`
/// (the `--external` contract in that script's docstring):
///
///     arrwdb ann-bench --index hnsw [--param m=16 --param ef_construction=200] \
///         --base B.fvecs --query Q.fvecs --metric angular|euclidean --k K --out DIR
///
/// Reads the vectors, builds the index on one thread and times it (from the empty index to the
/// last `add`, capacity reservation included, as hnswlib's timed `init_index` + `add_items`),
/// then for each point of the index's sweep answers the queries one at a time and times the loop:
/// like the harness's own peers, the best of at least `--runs` passes, repeated while they
/// total less than `--min-time` seconds (at most 50). Writes each point's ids to
/// `DIR/<param>.ivecs` (nq rows of k int32, -1 pads) and `DIR/result.json`:
/// `{"build_s", "index_bytes", "points": [{"param", "search_s", "ids"}]}`, where `index_bytes` is
/// the index's `memoryBytes`. angular maps to the `cosine` metric, euclidean to `l2`.
///
/// Sweeps: `hnsw` varies `efSearch` over the harness's EF sweep (10 … 400) unless
/// `--param ef_search=a,b,…` names its own; `ivf` varies `nprobe` over the harness's NPROBE sweep
/// with intermediate points (up to `nlist`); `brute_force` and `kd_tree` have the single point `exact`, `lsh` one point at
/// its parameters.
struct AnnBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ann-bench",
        abstract: "Build one index over an .fvecs base and sweep its search parameter (ann_peers.py --external contract).")

    /// The harness's EF sweep (`EF_SWEEP` in ann_peers.py).
    static let efSweep = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 400]
    /// IVF's `nprobe` sweep: the harness's (`NPROBE_SWEEP` in ann_peers.py) with points between
    /// 32 and 256 added, so the recall targets are met at a nearby probe count rather than the
    /// next power of two.
    static let nprobeSweep = [1, 2, 4, 8, 12, 16, 24, 32, 40, 48, 64, 80, 96, 128, 160, 192, 256]

    @Option(help: "Index type: brute_force, kd_tree, lsh, hnsw or ivf.") var index: String
    @Option(help: "An index parameter NAME=VALUE (hnsw: m, ef_construction, ef_search=a,b,… for the sweep, seed; ivf: nlist, nprobe swept; lsh: tables, bits, probes; kd_tree: leaf_size); repeatable.")
    var param: [String] = []
    @Option(help: "Base vectors (.fvecs).") var base: String
    @Option(help: "Query vectors (.fvecs).") var query: String
    @Option(help: "angular (cosine) or euclidean (l2).") var metric: String
    @Option(help: "Neighbours per query.") var k: Int
    @Option(help: "Output directory (must exist).") var out: String
    @Option(help: "Timed passes per sweep point at least (the best is kept).") var runs = 2
    @Option(help: "Threads building an hnsw index by deterministic batch insertion (1: one insert at a time).")
    var threads = 1
    @Option(name: .customLong("min-time"), help: "Repeat passes while they total less than this many seconds.")
    var minTime = 1.0

    func validate() throws {
        _ = try IndexSetup(type: index, params: try parseParams(), dimension: 1, metric: .l2)
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard runs >= 1, minTime >= 0 else { throw ValidationError("--runs must be at least 1 and --min-time not negative") }
        guard metric == "angular" || metric == "euclidean" else { throw ValidationError("--metric must be angular or euclidean") }
    }

    func run() throws {
        let distance: DistanceMetric = metric == "angular" ? .cosine : .l2
        let params = try parseParams()
        let (dimension, baseValues) = try FvecsFile.read(path: base)
        let (queryDimension, queryValues) = try FvecsFile.read(path: query)
        guard dimension == queryDimension else {
            throw ValidationError("base has \(dimension) floats per vector, queries \(queryDimension)")
        }
        let setup = try IndexSetup(type: index, params: params, dimension: dimension, metric: distance)
        let rows = stride(from: 0, to: baseValues.count, by: dimension).map { Array(baseValues[$0 ..< $0 + dimension]) }
        let queries = stride(from: 0, to: queryValues.count, by: dimension).map { Array(queryValues[$0 ..< $0 + dimension]) }

        let buildStart = DispatchTime.now()
        let built = setup.make(rows.count)
        if threads > 1, let graph = built as? HNSWIndex {
            let workers = threads
            graph.addBatch(keys: rows.indices.map(UInt64.init), vectors: rows) { iterations, body in
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for iteration in stride(from: worker, to: iterations, by: workers) { body(iteration) }
                }
            }
        } else {
            for (row, vector) in rows.enumerated() { built.add(key: UInt64(row), vector: vector) }
        }
        let buildSeconds = seconds(since: buildStart)
        FileHandle.standardError.write(Data("ann-bench: \(index) built over \(rows.count) × \(dimension) in \(buildSeconds) s\n".utf8))

        var points: [[String: Any]] = []
        for (label, options) in setup.sweep {
            var ids = [Int32](repeating: -1, count: queries.count * k)
            var best = Double.infinity, total = 0.0, passes = 0
            while passes < runs || (total < minTime && passes < 50) {
                let start = DispatchTime.now()
                for (q, vector) in queries.enumerated() {
                    let found = built.search(query: vector, k: k, filter: nil, options: options)
                    for j in 0..<k {
                        ids[q * k + j] = j < found.count ? Int32(truncatingIfNeeded: found[j].key) : -1
                    }
                }
                let elapsed = seconds(since: start)
                best = min(best, elapsed)
                total += elapsed
                passes += 1
            }
            let file = "\(label).ivecs"
            try FvecsFile.writeIvecs(path: out + "/" + file, rows: ids, width: k)
            points.append(["param": label, "search_s": best, "ids": file])
            FileHandle.standardError.write(Data("ann-bench: \(label) \(Double(queries.count) / best) queries/s\n".utf8))
        }
        let result: [String: Any] = ["build_s": buildSeconds, "index_bytes": built.memoryBytes, "points": points]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        try json.write(to: URL(fileURLWithPath: out + "/result.json"))
    }

    /// `--param NAME=VALUE` pairs; a repeated name keeps the last value.
    private func parseParams() throws -> [String: String] {
        var params: [String: String] = [:]
        for item in param {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--param expects NAME=VALUE, got \(item)") }
            params[String(parts[0])] = String(parts[1])
        }
        return params
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// How to make one index type and which search settings to sweep.
struct IndexSetup {
    let make: (_ capacity: Int) -> any VectorIndex
    let sweep: [(label: String, options: SearchOptions)]

    init(type: String, params: [String: String], dimension: Int, metric: DistanceMetric) throws {
        var unused = Set(params.keys)
        func integer(_ name: String, default value: Int, minimum: Int) throws -> Int {
            unused.remove(name)
            guard let text = params[name] else { return value }
            guard let parsed = Int(text), parsed >= minimum else { throw ValidationError("--param \(name) must be an integer ≥ \(minimum)") }
            return parsed
        }
        switch type {
        case "brute_force":
            make = { capacity in
                let index = BruteForceIndex(dimension: dimension, metric: metric)
                index.reserveCapacity(capacity)
                return index
            }
            sweep = [("exact", SearchOptions())]
        case "hnsw":
            let m = try integer("m", default: 16, minimum: 2)
            guard m <= 1024 else { throw ValidationError("--param m must be at most 1024") }
            let efConstruction = try integer("ef_construction", default: 200, minimum: 1)
            let seed = try integer("seed", default: 42, minimum: 0)
            var efs = AnnBench.efSweep
            if let list = params["ef_search"] {
                unused.remove("ef_search")
                let parsed = list.split(separator: ",").map { Int($0) }
                guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                    throw ValidationError("--param ef_search expects a comma-separated list of integers ≥ 1")
                }
                efs = parsed.compactMap { $0 }
            }
            make = { capacity in
                let index = HNSWIndex(dimension: dimension, metric: metric, m: m, efConstruction: efConstruction,
                                      seed: UInt64(seed))
                index.reserveCapacity(capacity)
                return index
            }
            sweep = efs.map { ("ef=\($0)", SearchOptions(efSearch: $0)) }
        case "kd_tree":
            let leafSize = try integer("leaf_size", default: 32, minimum: 1)
            make = { _ in KDTreeIndex(dimension: dimension, metric: metric, leafSize: leafSize) }
            sweep = [("exact", SearchOptions())]
        case "lsh":
            let tables = try integer("tables", default: 16, minimum: 1)
            let bits = try integer("bits", default: 10, minimum: 1)
            let probes = try integer("probes", default: 10, minimum: 1)
            make = { _ in LSHIndex(dimension: dimension, metric: metric, tables: tables, bits: bits, probes: probes) }
            sweep = [("tables=\(tables),bits=\(bits),probes=\(probes)", SearchOptions())]
        case "ivf":
            let nlist = try integer("nlist", default: 100, minimum: 1)
            make = { _ in IVFIndex(dimension: dimension, metric: metric, nlist: nlist) }
            let probes = AnnBench.nprobeSweep.filter { $0 <= nlist }
            sweep = probes.map { ("nprobe=\($0)", SearchOptions(nprobe: $0)) }
        default:
            throw ValidationError("unknown --index \(type) (available: brute_force, kd_tree, lsh, hnsw, ivf)")
        }
        guard unused.isEmpty else {
            throw ValidationError("--param \(unused.sorted().joined(separator: ", ")) does not apply to \(type)")
        }
    }
}

/// The texmex `.fvecs` / `.ivecs` layout (little-endian; per row an Int32 count d, then d
/// float32 or int32 values; every row the same d), read and written for `ann-bench`.
enum FvecsFile {
    /// The row length and all values, row-major. Throws a `ValidationError` for a malformed file.
    static func read(path: String) throws -> (dimension: Int, values: [Float]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        return try data.withUnsafeBytes { raw -> (Int, [Float]) in
            guard raw.count >= 4 else { throw ValidationError("\(path): shorter than 4 bytes") }
            // Safe: raw holds at least 4 bytes.
            let d = Int(Int32(littleEndian: raw.loadUnaligned(as: Int32.self)))
            let rowBytes = 4 * (d + 1)
            guard d >= 1, raw.count % rowBytes == 0 else { throw ValidationError("\(path): not an .fvecs file of \(d)-float rows") }
            let rows = raw.count / rowBytes
            var values = [Float](repeating: 0, count: rows * d)
            for row in 0..<rows {
                // Safe: row < rows, so its header lies inside raw.
                let header = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: row * rowBytes, as: Int32.self))
                guard Int(header) == d else { throw ValidationError("\(path): row \(row) has \(header) values, not \(d)") }
                for column in 0..<d {
                    // Safe: the row's d floats follow its header inside raw.
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: row * rowBytes + 4 + 4 * column, as: UInt32.self))
                    values[row * d + column] = Float(bitPattern: bits)
                }
            }
            return (d, values)
        }
    }

    /// Writes `rows.count / width` rows of `width` int32 values.
    static func writeIvecs(path: String, rows: [Int32], width: Int) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count / width * (width + 1) * 4)
        for start in stride(from: 0, to: rows.count, by: width) {
            withUnsafeBytes(of: Int32(width).littleEndian) { bytes.append(contentsOf: $0) }
            for value in rows[start ..< start + width] {
                withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
