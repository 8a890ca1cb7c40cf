import ArrwIndex
import ArrwTestSupport

/// Wall-clock seconds of one call of `body`.
func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Keeps `value` alive so the optimizer cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// The median of `samples` (non-empty).
func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    let middle = sorted.count / 2
    return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
}

/// Command-line settings: `--name value` pairs, each with a default.
struct Settings {
    var vectors384 = 200_000
    var vectors50 = 1_000_000
    var cachedVectors = 5_000
    var repeats = 30
    var memcpyMiB = 512
    var k = 10
    var metrics: [DistanceMetric] = DistanceMetric.allCases

    static let usage = """
        usage: arrw-bench [--vectors-384 N] [--vectors-50 N] [--cached-vectors N] [--repeats R]
                          [--memcpy-mib M] [--k K] [--metrics cosine,l2,dot]
        """

    /// Parses `arguments` (without the program name); nil on an unknown flag or a bad value.
    init?(arguments: [String]) {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            if flag == "--metrics" {
                let parsed = value.split(separator: ",").compactMap { DistanceMetric(rawValue: String($0)) }
                guard !parsed.isEmpty else { return nil }
                metrics = parsed
                continue
            }
            guard let number = Int(value), number >= 1 else { return nil }
            switch flag {
            case "--vectors-384": vectors384 = number
            case "--vectors-50": vectors50 = number
            case "--cached-vectors": cachedVectors = number
            case "--repeats": repeats = number
            case "--memcpy-mib": memcpyMiB = number
            case "--k": k = number
            default: return nil
            }
        }
    }
}

/// `count × dimension` floats, uniform in -1...1, row-major.
func randomRows(count: Int, dimension: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    var values = [Float](repeating: 0, count: count * dimension)
    for i in values.indices { values[i] = Float.random(in: -1...1, using: &generator) }
    return values
}

/// Best single-thread `memcpy` rate over a `mebibytes` buffer, in bytes copied per second.
func memcpyBandwidth(mebibytes: Int, repeats: Int) -> Double {
    let bytes = mebibytes << 20
    let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
    let destination = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
    defer {
        // Safe: both came from allocate above and are freed once.
        source.deallocate()
        destination.deallocate()
    }
    // Safe: both buffers are bytes long; writing every byte also faults every page in.
    source.initializeMemory(as: UInt8.self, repeating: 1, count: bytes)
    destination.initializeMemory(as: UInt8.self, repeating: 2, count: bytes)
    var best = Double.infinity
    for _ in 0..<repeats {
        // Safe: distinct buffers of bytes bytes each.
        best = min(best, seconds { destination.copyMemory(from: source, byteCount: bytes) })
    }
    // Safe: index 0 of an initialized buffer.
    blackHole(destination.load(as: UInt8.self))
    return Double(bytes) / best
}

/// Median seconds of one pass of the bare kernel over every row (no heap, no keys).
func kernelPass(rows: [Float], dimension: Int, query: [Float], metric: DistanceMetric, repeats: Int) -> Double {
    let count = rows.count / dimension
    var samples: [Double] = []
    rows.withUnsafeBufferPointer { all in
        query.withUnsafeBufferPointer { q in
            // Safe: rows and query are non-empty, so both base addresses exist.
            let base = all.baseAddress!, queryBase = q.baseAddress!
            for _ in 0...repeats {
                var best = -Float.infinity
                samples.append(seconds {
                    for row in 0..<count {
                        // Safe: row < count, so its dimension floats lie inside rows.
                        let start = base + row * dimension
                        let score = metric == .l2
                            ? -DistanceKernels.squaredL2(start, queryBase, count: dimension)
                            : DistanceKernels.dot(start, queryBase, count: dimension)
                        best = max(best, score)
                    }
                })
                blackHole(best)
            }
        }
    }
    return median(Array(samples.dropFirst()))
}
