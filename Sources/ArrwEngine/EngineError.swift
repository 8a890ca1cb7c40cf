import ArrwEmbedding
/// A domain error: what went wrong in terms of libraries, documents and searches, never HTTP.
///
/// `code` is a stable machine-readable string clients may switch on; `kind` says which family
/// it belongs to (the server maps each kind to one status code, in one place); `details` carries
/// structured context such as the offending field. Every code is declared in a catalogue
/// (`EngineError.Code` for the engine's, see `EngineError+Code.swift`), so an error is made
/// from a declared code and its kind always matches that code.
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
        /// A capability this build does not have yet; said plainly, never faked.
        case notImplemented
        /// A bounded queue is full: try again later.
        case overloaded
        /// A service this server depends on (a remote embedding provider) answered wrongly.
        case upstreamFailure
    }

    public let kind: Kind
    public let code: String
    public var message: String
    public var details: [String: JSONValue]?

    /// An error with one of the engine's codes.
    public init(_ code: Code, message: String, details: [String: JSONValue]? = nil) {
        self.init(code as any EngineErrorCode, message: message, details: details)
    }

    /// An error with a code from another catalogue (a transport's own codes).
    public init(_ code: any EngineErrorCode, message: String, details: [String: JSONValue]? = nil) {
        kind = code.kind
        self.code = code.rawValue
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    public static func validation(_ message: String, field: String? = nil) -> EngineError {
        EngineError(
            .validationError, message: message,
            details: field.map { ["field": .string($0)] })
    }

    public static func invalidFilter(_ message: String) -> EngineError {
        EngineError(.invalidFilter, message: message)
    }

    public static func unknownFilterOperator(_ name: String) -> EngineError {
        EngineError(
            .unknownFilterOperator,
            message: "unknown filter operator '\(name)'", details: ["operator": .string(name)])
    }

    public static func dimensionMismatch(expected: Int, actual: Int, field: String) -> EngineError {
        EngineError(
            .dimensionMismatch,
            message: "\(field) has \(actual) dimensions but the library's vectors have \(expected)",
            details: ["field": .string(field), "expected": .int(Int64(expected)), "actual": .int(Int64(actual))])
    }

    public static func limitExceeded(_ message: String, limit: Int, field: String) -> EngineError {
        EngineError(
            .limitExceeded, message: message,
            details: ["field": .string(field), "limit": .int(Int64(limit))])
    }

    public static func libraryNotFound(_ id: String) -> EngineError {
        EngineError(
            .libraryNotFound, message: "library '\(id)' does not exist",
            details: ["library_id": .string(id)])
    }

    public static func tenantNotFound(_ id: String) -> EngineError {
        EngineError(.tenantNotFound, message: "no tenant has id '\(id)'", details: ["tenant_id": .string(id)])
    }

    public static func documentNotFound(_ id: String) -> EngineError {
        EngineError(
            .documentNotFound, message: "document '\(id)' does not exist",
            details: ["document_id": .string(id)])
    }

    public static func duplicateLibraryName(_ name: String) -> EngineError {
        EngineError(
            .duplicateName, message: "a library named '\(name)' already exists",
            details: ["name": .string(name)])
    }

    public static func duplicateDocument(_ id: String) -> EngineError {
        EngineError(
            .duplicateDocument,
            message: "document '\(id)' already exists; use PUT to replace it",
            details: ["document_id": .string(id)])
    }

    public static func embeddingFailed(_ message: String) -> EngineError {
        EngineError(.embeddingFailed, message: "embedding failed: \(message)")
    }

    /// The error a provider's failure becomes, coded by its kind.
    public static func embedding(_ error: EmbeddingError) -> EngineError {
        let code: Code = switch error.kind {
        case .failed: .embeddingFailed
        case .credentialsRejected: .embeddingCredentialsRejected
        case .unknownModel: .embeddingModelUnknown
        case .malformedAnswer: .embeddingInvalid
        case .unreachable: .embeddingUnavailable
        case .timedOut: .embeddingTimedOut
        case .rejected: .embeddingRejected
        }
        return EngineError(code, message: "embedding failed: \(error.message)")
    }
}
