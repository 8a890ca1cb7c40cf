import ArrwEngine
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The one place where errors become HTTP: every failure leaves the server as
/// `{"error": {"code", "message", "details"?}}` with a status chosen from the error's family.
///
/// Domain errors map by `EngineError.Kind`; Hummingbird's own errors (unknown route, body too
/// large) keep their status; anything unexpected is a 500 whose details stay in the log.
enum ErrorEnvelope {
    static func status(for kind: EngineError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .expired: .gone
        case .unavailable: .serviceUnavailable
        case .internalFailure: .internalServerError
        }
    }

    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        switch error {
        case let error as EngineError:
            return make(status(for: error.kind), code: error.code, message: error.message, details: error.details)
        case let error as HTTPError:
            var response = make(error.status, code: code(for: error.status), message: message(for: error, request: request), details: nil)
            for field in error.headers { response.headers.append(field) }
            return response
        case is NIOTooManyBytesError:
            return make(
                .contentTooLarge, code: "payload_too_large", message: "the request body is larger than this server accepts",
                details: nil)
        default:
            logger.error("unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return make(.internalServerError, code: "internal_error", message: "internal server error", details: nil)
        }
    }

    static func make(_ status: HTTPResponse.Status, code: String, message: String, details: [String: JSONValue]?) -> Response {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let details { error["details"] = .object(details) }
        let envelope = JSONValue.object(["error": .object(error)])
        return (try? APIResponse.json(envelope, status: status))
            ?? Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "payload_too_large"
        case .unauthorized: "unauthorized"
        case .tooManyRequests: "rate_limited"
        case .badRequest: "bad_request"
        case .unsupportedMediaType: "unsupported_media_type"
        default: status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
    }

    private static func message(for error: HTTPError, request: Request) -> String {
        if let body = error.body, !body.isEmpty { return body }
        switch error.status {
        case .notFound: return "no route for \(request.method) \(request.uri.path)"
        case .contentTooLarge: return "the request body is larger than this server accepts"
        default: return error.status.reasonPhrase
        }
    }
}

/// Catches every error a route throws and renders it with `ErrorEnvelope`.
struct ErrorEnvelopeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ErrorEnvelope.response(for: error, request: request, logger: context.logger)
        }
    }
}
