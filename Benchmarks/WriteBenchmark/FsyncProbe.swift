import ArrwTestSupport
import Foundation
import Glibc

/// The raw cost of making a small write durable on this disk: 4 KiB appended and
/// `fdatasync`ed, `count` times, in `directory` (the same file system as the data directory).
struct FsyncProbe {
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var meanMilliseconds: Double

    /// The most fsyncs per second one thread can issue back to back.
    var serialSyncsPerSecond: Double { 1000 / meanMilliseconds }

    static func measure(directory: String, count: Int = 2000) -> FsyncProbe {
        let path = directory + "/fsync-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        let clock = ContinuousClock()
        for _ in 0..<count {
            let elapsed = clock.measure {
                _ = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                fdatasync(fd)
            }
            samples.append(elapsed.milliseconds)
        }
        samples.sort()
        return FsyncProbe(
            p50Milliseconds: samples[count / 2], p99Milliseconds: samples[count * 99 / 100],
            meanMilliseconds: samples.reduce(0, +) / Double(count))
    }
}
