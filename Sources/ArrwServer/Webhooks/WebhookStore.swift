import ArrwEngine
import Foundation

/// Where webhooks and their delivery positions are kept: `DATA_DIR/webhooks.json` (a JSON
/// object `{"version": 2, "webhooks": [..]}`, replaced atomically: written to a temporary file,
/// fsynced, renamed, the directory fsynced), or nowhere for a server without a data directory.
/// Version 2 adds each webhook's `tenant_id` (absent: the admin's); a version-1 file (releases
/// up to 930d84a, before tenants) reads as webhooks of the admin's, as they were.
struct WebhookStore: Sendable {
    static let version = 2
    let path: String?

    private struct File: Codable {
        var version: Int
        var webhooks: [Webhook]
    }

    private static var coder: (JSONEncoder, JSONDecoder) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (encoder, decoder)
    }

    /// The webhooks kept, none when there is no file yet; throws for a file this build cannot read.
    func load() throws -> [Webhook] {
        guard let path, FileManager.default.fileExists(atPath: path) else { return [] }
        let file = try Self.coder.1.decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard (1...Self.version).contains(file.version) else {
            throw EngineError(
                EngineError.Code.recoveryFailed, message: "\(path) is webhook file version \(file.version); this build reads versions 1-\(Self.version)")
        }
        return file.webhooks
    }

    /// Replaces the file with `webhooks`, durably.
    func save(_ webhooks: [Webhook]) throws {
        guard let path else { return }
        let data = try Self.coder.0.encode(File(version: Self.version, webhooks: webhooks))
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw EngineError.storageUnavailable("cannot write \(temporary): errno \(errno)") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            throw EngineError.storageUnavailable("cannot write \(path): errno \(errno)")
        }
        let directory = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
