import ArrwIndex
import ArrwTestSupport

/// Wall-clock seconds of one call of `body`.
func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body)
    return elapsed.seconds
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

/// Single-thread memory bandwidth over a `mebibytes` buffer, best of `repeats`, in bytes per second:
/// `copy` counts the bytes `memcpy` copies (it moves twice that: a read and a write); `read`
/// streams the buffer through four SIMD accumulators (what a scan needs).
func memoryBandwidth(mebibytes: Int, repeats: Int) -> (copy: Double, read: Double) {
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
    var bestCopy = Double.infinity, bestRead = Double.infinity
    for _ in 0..<repeats {
        // Safe: distinct buffers of bytes bytes each.
        bestCopy = min(bestCopy, seconds { destination.copyMemory(from: source, byteCount: bytes) })
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        bestRead = min(bestRead, seconds {
            for offset in stride(from: 0, to: bytes, by: 128) {
                // Safe: bytes is a multiple of 128, so offset + 128 <= bytes.
                s0 += source.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                s1 += source.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                s2 += source.loadUnaligned(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
                s3 += source.loadUnaligned(fromByteOffset: offset + 96, as: SIMD8<Float>.self)
            }
        })
        blackHole((s0 + s1) + (s2 + s3))
    }
    // Safe: index 0 of an initialized buffer.
    blackHole(destination.load(as: UInt8.self))
    return (Double(bytes) / bestCopy, Double(bytes) / bestRead)
}

/// Median seconds of one pass of the bare kernel over every row, keeping only the best score
/// (no heap, no keys, no filter).
func kernelPass(rows: [Float], dimension: Int, query: [Float], metric: DistanceMetric, repeats: Int) -> Double {
    switch metric {
    case .cosine, .dot:
        return kernelPass(rows: rows, dimension: dimension, query: query, repeats: repeats) {
            DistanceKernels.dot($0, $1, count: dimension)
        }
    case .l2:
        return kernelPass(rows: rows, dimension: dimension, query: query, repeats: repeats) {
            -DistanceKernels.squaredL2($0, $1, count: dimension)
        }
    }
}

@inline(__always)
private func kernelPass(rows: [Float], dimension: Int, query: [Float], repeats: Int,
                        score: (UnsafePointer<Float>, UnsafePointer<Float>) -> Float) -> Double {
    let count = rows.count / dimension
    var samples: [Double] = []
    rows.withUnsafeBufferPointer { all in
        query.withUnsafeBufferPointer { q in
            // Safe: rows and query are non-empty, so both base addresses exist.
            let base = all.baseAddress!, queryBase = q.baseAddress!
            for _ in 0...repeats {
                var best = -Float.infinity
                samples.append(seconds {
                    var row = base
                    for _ in 0..<count {
                        // Safe: row starts one of the count rows, whose dimension floats lie inside rows.
                        let s = score(row, queryBase)
                        if s > best { best = s }
                        row += dimension
                    }
                })
                blackHole(best)
            }
        }
    }
    return median(Array(samples.dropFirst()))
}
