import Crypto

/// Tenant API keys: `arrw_` and 32 lower-case hex digits (128 random bits from the system's
/// cryptographic generator), shown once when issued; only their SHA-256 is stored.
enum TenantKeys {
    static let prefix = "arrw_"

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + WebhookSender.hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func hash(_ key: String) -> [UInt8] { Array(SHA256.hash(data: Array(key.utf8))) }
}
