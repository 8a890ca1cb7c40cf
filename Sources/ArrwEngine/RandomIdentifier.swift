import Glibc
import Synchronization

/// Random version-4 UUIDs in lowercase text (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`), the
/// ids the server gives documents and chunks that bring none.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id, which was a tenth
/// of the CPU of a 1,000-document batch. This draws from a pool of kernel randomness
/// (glibc's `arc4random_buf`, which is `getrandom`, the same source) refilled 4 KiB at a
/// time, so 256 ids cost one system call.
enum RandomIdentifier {
    private static let poolBytes = 4096
    private static let pool = Mutex(Pool())

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: RandomIdentifier.poolBytes)
        var used = RandomIdentifier.poolBytes

        /// The next 16 random bytes, refilling the pool when it runs dry.
        mutating func take16() -> (UInt64, UInt64) {
            if used + 16 > bytes.count {
                bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                used = 0
            }
            defer { used += 16 }
            return bytes.withUnsafeBytes {
                ($0.loadUnaligned(fromByteOffset: used, as: UInt64.self), $0.loadUnaligned(fromByteOffset: used + 8, as: UInt64.self))
            }
        }
    }

    /// A new random UUID, lowercase, with the version (4) and variant (10xx) bits set.
    static func uuidString() -> String {
        var (high, low) = pool.withLock { $0.take16() }
        high = (high & ~(0xF << 12)) | (0x4 << 12)
        low = (low & ~(0x3 << 62)) | (0x2 << 62)
        return format(high: high, low: low)
    }

    /// The 36-character text of the 128 bits `high` then `low`, hyphens after hex digits 8, 12, 16, 20.
    static func format(high: UInt64, low: UInt64) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                text[position] = digits.utf8Start[Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)]
                position += 1
            }
            return 36
        }
    }
}
