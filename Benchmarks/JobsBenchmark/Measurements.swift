import Foundation

/// Latency samples in milliseconds, summarised as percentiles and a mean.
struct Latencies: Sendable {
    var samples: [Double] = []

    var count: Int { samples.count }

    /// The sample at rank `p` (0–1) of the sorted samples; NaN when there are none.
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    var mean: Double { samples.isEmpty ? .nan : samples.reduce(0, +) / Double(samples.count) }
}

/// A lock-protected value shared between the benchmark's tasks.
final class Shared<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }

    var current: Value { lock.withLock { value } }
}

/// This machine's load averages and core count from /proc, for reading the figures beside it
/// (the benchmark's client and server share the machine with whatever else runs).
func loadLine() -> String {
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
        .split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    return "load average (1/5/15 min): \(load); \(ProcessInfo.processInfo.activeProcessorCount) cores"
}

/// An ISO 8601 timestamp with fractional seconds as the API writes them, or nil.
func parseTimestamp(_ value: Any?) -> Date? {
    guard let text = value as? String else { return nil }
    return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
}

/// A millisecond figure for a table cell: two decimals, or "n/a" for NaN.
func ms(_ value: Double) -> String {
    value.isNaN ? "n/a" : String(format: "%.2f", value)
}

/// A JSON number from `JSONSerialization` as a Double, whichever type it came as.
func number(_ value: Any?) -> Double? {
    switch value {
    case let value as Int: Double(value)
    case let value as Double: value
    case let value as NSNumber: value.doubleValue
    default: nil
    }
}
