import ArrwEngine
import Foundation
import Logging
import Synchronization

/// A `LogHandler` writing one JSON object per line to standard error, for
/// `LOG_JSON_FORMAT=true`: `{"timestamp", "level", "label", "message", ...metadata}`. Metadata
/// keeps its shape: integers and floating-point values as JSON numbers, nested dictionaries and
/// arrays as objects and arrays, anything else as its string. A metadata key named like one of
/// the four fixed fields does not replace it. Lines from concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error.
    public init(label: String) {
        self.init(label: label, output: Self.standardError)
    }

    /// A handler handing each line (newline included) to `output`.
    public init(label: String, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = Self.json(value)
        }
        fields["timestamp"] = .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        fields["level"] = .string(event.level.rawValue)
        fields["label"] = .string(label)
        fields["message"] = .string(event.message.description)
        var line = JSONValue.object(fields).jsonBytes
        line.append(0x0A)
        output(line)
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value as any BinaryInteger): .int(Int64(clamping: value))
        case .stringConvertible(let value as Double) where value.isFinite: .double(value)
        case .stringConvertible(let value): .string(value.description)
        case .dictionary(let dictionary): .object(dictionary.mapValues(json))
        case .array(let array): .array(array.map(json))
        }
    }

    private static let standardErrorLock = Mutex(())

    private static let standardError: @Sendable ([UInt8]) -> Void = { line in
        standardErrorLock.withLock { _ in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
