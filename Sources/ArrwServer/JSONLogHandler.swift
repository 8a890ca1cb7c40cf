import Foundation
import Logging

/// A `LogHandler` writing one JSON object per line to standard error
/// (`{"timestamp", "level", "label", "message", ...metadata}`), for `LOG_JSON_FORMAT=true`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [
            "timestamp": Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            "level": event.level.rawValue,
            "label": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = value.description
        }
        guard var output = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        output.append(0x0A)
        FileHandle.standardError.write(output)
    }
}
