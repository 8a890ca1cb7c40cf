/// A domain error: what went wrong in terms of libraries, documents and searches, never HTTP.
///
/// `code` is a stable machine-readable string clients may switch on; `kind` says which family
/// it belongs to (the server maps each kind to one status code, in one place); `details` carries
/// structured context such as the offending field. New codes are static members below.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The family of an error, which decides how a transport reports it.
    public enum Kind: Sendable, Equatable {
        case invalidInput
        case notFound
        case conflict
        /// What was asked for existed once but is no longer kept (an old resume point).
        case expired
        case unavailable
        case internalFailure
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var details: [String: JSONValue]?

    public init(kind: Kind, code: String, message: String, details: [String: JSONValue]? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    public static func validation(_ message: String, field: String? = nil) -> EngineError {
        EngineError(
            kind: .invalidInput, code: "validation_error", message: message,
            details: field.map { ["field": .string($0)] })
    }

    public static func invalidFilter(_ message: String) -> EngineError {
        EngineError(kind: .invalidInput, code: "invalid_filter", message: message)
    }

    public static func unknownFilterOperator(_ name: String) -> EngineError {
        EngineError(
            kind: .invalidInput, code: "unknown_filter_operator",
            message: "unknown filter operator '\(name)'", details: ["operator": .string(name)])
    }

    public static func dimensionMismatch(expected: Int, actual: Int, field: String) -> EngineError {
        EngineError(
            kind: .invalidInput, code: "dimension_mismatch",
            message: "\(field) has \(actual) dimensions but the library's vectors have \(expected)",
            details: ["field": .string(field), "expected": .int(Int64(expected)), "actual": .int(Int64(actual))])
    }

    public static func limitExceeded(_ message: String, limit: Int, field: String) -> EngineError {
        EngineError(
            kind: .invalidInput, code: "limit_exceeded", message: message,
            details: ["field": .string(field), "limit": .int(Int64(limit))])
    }

    public static func libraryNotFound(_ id: String) -> EngineError {
        EngineError(
            kind: .notFound, code: "library_not_found", message: "library '\(id)' does not exist",
            details: ["library_id": .string(id)])
    }

    public static func documentNotFound(_ id: String) -> EngineError {
        EngineError(
            kind: .notFound, code: "document_not_found", message: "document '\(id)' does not exist",
            details: ["document_id": .string(id)])
    }

    public static func duplicateLibraryName(_ name: String) -> EngineError {
        EngineError(
            kind: .conflict, code: "duplicate_name", message: "a library named '\(name)' already exists",
            details: ["name": .string(name)])
    }

    public static func duplicateDocument(_ id: String) -> EngineError {
        EngineError(
            kind: .conflict, code: "duplicate_document",
            message: "document '\(id)' already exists; use PUT to replace it",
            details: ["document_id": .string(id)])
    }

    public static func embeddingFailed(_ message: String) -> EngineError {
        EngineError(kind: .unavailable, code: "embedding_failed", message: "embedding failed: \(message)")
    }
}
