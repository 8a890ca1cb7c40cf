import ArrwEngine
import Foundation
import Hummingbird

/// Reads JSON request bodies within the configured size limit and turns every decoding
/// failure into a 400 `EngineError` that names the offending field.
struct JSONBodyReader: Sendable {
    let maxBytes: Int

    /// The body as bytes; more than `maxBytes` is Hummingbird's 413.
    private func bytes(of request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: maxBytes)
        return Data(buffer.readableBytesView)
    }

    /// The body parsed as JSON (the fast path for documents and their vectors).
    func json(from request: Request) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: maxBytes)
        guard buffer.readableBytes > 0 else {
            throw EngineError(ServerErrorCode.invalidJSON, message: "the request body is empty; send a JSON object")
        }
        do {
            return try buffer.withUnsafeReadableBytes { try JSONValue.parse($0) }
        } catch let error as JSONSyntaxError {
            throw EngineError(ServerErrorCode.invalidJSON, message: "the request body is not valid JSON: \(error)")
        }
    }

    /// The body as NDJSON: one JSON value per non-blank line. A line that is not JSON is a
    /// 400 naming it (nothing is taken from a body with a bad line).
    func ndjson(from request: Request) async throws -> [JSONValue] {
        let buffer = try await request.body.collect(upTo: maxBytes)
        return try buffer.withUnsafeReadableBytes { bytes in
            var values: [JSONValue] = []
            var start = 0
            var line = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                line += 1
                let text = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if text.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) {
                    do {
                        values.append(try JSONValue.parse(text))
                    } catch let error as JSONSyntaxError {
                        throw EngineError(ServerErrorCode.invalidJSON, message: "line \(line) is not valid JSON: \(error)", details: ["line": .int(Int64(line))])
                    }
                }
                start = end + 1
            }
            guard !values.isEmpty else {
                throw EngineError(ServerErrorCode.invalidJSON, message: "the request body holds no NDJSON lines")
            }
            return values
        }
    }

    /// The body decoded as `T` (small typed bodies; documents and searches use `json(from:)`).
    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let data = try await bytes(of: request)
        guard !data.isEmpty else {
            throw EngineError(ServerErrorCode.invalidJSON, message: "the request body is empty; send a JSON object")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil
            {
                throw EngineError.validation("a field has a value of the wrong type or out of range")
            }
            throw Self.engineError(error)
        }
    }

    static func engineError(_ error: DecodingError) -> EngineError {
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .validation("'\(field)' has the wrong type: expected \(typeName(type))", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .validation("'\(field)' must be \(typeName(type)), not null", field: field)
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .validation("'\(field)' is required", field: field)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return EngineError(ServerErrorCode.invalidJSON, message: "the request body is not valid JSON")
            }
            let field = path(context.codingPath)
            return .validation("'\(field)': \(context.debugDescription)", field: field)
        @unknown default:
            return EngineError(ServerErrorCode.invalidJSON, message: "the request body could not be decoded")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var result = ""
        for key in keys {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "body" : result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension Request {
    /// A query parameter parsed as an integer, or a 400 naming it.
    func intQuery(_ name: String) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text) else { throw EngineError.validation("query parameter '\(name)' must be an integer", field: name) }
        return value
    }

    /// A query parameter parsed as a boolean (`true`/`false`/`1`/`0`), or a 400 naming it.
    func boolQuery(_ name: String) throws -> Bool? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw EngineError.validation("query parameter '\(name)' must be true or false", field: name)
        }
    }
}
