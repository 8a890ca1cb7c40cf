import ArrwIndex
import ArrwTestSupport
import Foundation

// arrw-bench: single-thread exact-scan throughput of BruteForceIndex against memory bandwidth.
// Build and run in release: `swift run -c release arrw-bench [flags]` (see Settings.usage).

/// One measured configuration: a row of the output table.
struct Row {
    var dimension: Int
    var vectors: Int
    var metric: DistanceMetric
    var what: String
    var secondsPerPass: Double
    var bestSeconds: Double?
}

/// Builds one index per metric over the same data and times `settings.repeats` searches of it,
/// with and without a filter, plus the bare kernel loop over the same rows.
func measure(dimension: Int, vectors: Int, seed: UInt64, settings: Settings) -> [Row] {
    var rows: [Row] = []
    let data = randomRows(count: vectors, dimension: dimension, seed: seed)
    let queries = randomRows(count: settings.repeats + 1, dimension: dimension, seed: seed ^ 0xFFFF)
    for metric in settings.metrics {
        let index = BruteForceIndex(dimension: dimension, metric: metric)
        index.reserveCapacity(vectors)
        for row in 0..<vectors {
            index.add(key: UInt64(row), vector: Array(data[row * dimension ..< (row + 1) * dimension]))
        }
        var samples: [Double] = []
        for q in 0...settings.repeats {
            let query = Array(queries[q * dimension ..< (q + 1) * dimension])
            var result: [Neighbor] = []
            let elapsed = seconds { result = index.search(query: query, k: settings.k, filter: nil) }
            precondition(result.count == min(settings.k, vectors), "search returned \(result.count) results")
            if q > 0 { samples.append(elapsed) }
        }
        rows.append(Row(dimension: dimension, vectors: vectors, metric: metric, what: "search k=\(settings.k)",
                        secondsPerPass: median(samples), bestSeconds: samples.min()))
        let filterSamples = (1...settings.repeats).map { q in
            let query = Array(queries[q * dimension ..< (q + 1) * dimension])
            return seconds { blackHole(index.search(query: query, k: settings.k, filter: { $0 & 1 == 0 })) }
        }
        rows.append(Row(dimension: dimension, vectors: vectors, metric: metric, what: "search, filter 50%",
                        secondsPerPass: median(filterSamples), bestSeconds: filterSamples.min()))
        if metric != .dot {
            let kernel = kernelPass(rows: data, dimension: dimension, query: Array(queries[0..<dimension]),
                                    metric: metric, repeats: settings.repeats)
            rows.append(Row(dimension: dimension, vectors: vectors, metric: metric, what: "kernel loop only",
                            secondsPerPass: kernel, bestSeconds: nil))
        }
    }
    return rows
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

/// Runs every measurement and prints the markdown table.
func main() {
    guard let settings = Settings(arguments: Array(CommandLine.arguments.dropFirst())) else {
        print(Settings.usage)
        exit(2)
    }
    let (copyRate, readRate) = memoryBandwidth(mebibytes: settings.memcpyMiB, repeats: 5)
    var rows = measure(dimension: 384, vectors: settings.vectors384, seed: 384, settings: settings)
    rows += measure(dimension: 50, vectors: settings.vectors50, seed: 50, settings: settings)
    rows += measure(dimension: 384, vectors: settings.cachedVectors, seed: 3840, settings: settings)
    rows += measure(dimension: 50, vectors: settings.cachedVectors * 8, seed: 500, settings: settings)

    print("## arrw-bench: single-thread exact scan\n")
    print("Memory, \(settings.memcpyMiB) MiB buffer, best of 5: memcpy **\(format(copyRate / 1e9, 2)) GB/s** copied "
          + "(read + write traffic is twice that); SIMD read stream **\(format(readRate / 1e9, 2)) GB/s**.\n")
    print("Searches: \(settings.repeats) random queries after one warm-up, median (best in brackets); "
          + "\"filter 50%\" accepts even keys. Data is uniform random in -1...1. The last rows' data "
          + "(\(settings.cachedVectors) × 384, \(settings.cachedVectors * 8) × 50) fits in cache, so they show compute speed.\n")
    print("| d | vectors | data MB | metric | what | ms / query | Mvectors/s | GB/s scanned | × memcpy | × read |")
    print("| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows {
        let bytes = Double(row.vectors * row.dimension * 4)
        let best = row.bestSeconds.map { " (\(format($0 * 1e3, 2)))" } ?? ""
        print("| \(row.dimension) | \(row.vectors) | \(format(bytes / 1e6, 1)) | \(row.metric.rawValue) | \(row.what) "
              + "| \(format(row.secondsPerPass * 1e3, 2))\(best) | \(format(Double(row.vectors) / row.secondsPerPass / 1e6, 1)) "
              + "| \(format(bytes / row.secondsPerPass / 1e9, 2)) | \(format(bytes / row.secondsPerPass / copyRate, 2)) "
              + "| \(format(bytes / row.secondsPerPass / readRate, 2)) |")
    }
}

main()
