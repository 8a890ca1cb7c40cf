import ArrwTestSupport
import Foundation

/// Latency samples in milliseconds, summarised as percentiles.
struct Latencies {
    var samples: [Double] = []

    mutating func add(since start: ContinuousClock.Instant) {
        samples.append(milliseconds(ContinuousClock.now - start))
    }

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    var summary: String {
        String(format: "%d samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms", samples.count, percentile(0.5), percentile(0.99), samples.max() ?? .nan)
    }
}

func milliseconds(_ duration: Duration) -> Double {
    duration.milliseconds
}

/// A lock-protected value shared between the benchmark's tasks.
final class Shared<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}

/// A deterministic 384-d vector for document or query `seed`, as JSON text.
func vectorJSON(_ seed: Int, dimension: Int = 384) -> String {
    var state = UInt64(truncatingIfNeeded: seed &* 2_654_435_761 &+ 99)
    return "[" + (0..<dimension).map { _ -> String in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return String(format: "%.4f", Double(state >> 40) / Double(1 << 24) - 0.5)
    }.joined(separator: ",") + "]"
}
