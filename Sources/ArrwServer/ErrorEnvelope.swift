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
        case .notImplemented: .notImplemented
        case .overloaded: .tooManyRequests
        }
    }

    static func response(for error: any Error, request: Request, logger: Logger) -> Response {
        switch error {
        case let error as EngineError:
            var response = make(status(for: error.kind), APIResponse.error(error))
            if error.kind == .overloaded {
                let seconds = error.details?["retry_after_seconds"]?.number.map { max(1, Int($0)) } ?? 1
                response.headers[.retryAfter] = String(seconds)
            }
            return response
        case let error as HTTPError:
            var response = response(for: error, request: request)
            for field in error.headers { response.headers.append(field) }
            return response
        case is NIOTooManyBytesError:
            return response(.payloadTooLarge, message: "the request body is larger than this server accepts")
        default:
            logger.error("unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return make(.internalServerError, APIResponse.error(internalError))
        }
    }

    /// The envelope of an error of the HTTP layer (a missing key, a spent rate limit).
    static func response(_ code: HTTPErrorCode, message: String) -> Response {
        make(code.status, APIResponse.error(code, message: message))
    }

    /// A 500 says no more than this; the details go to the log.
    static let internalError = EngineError(ServerErrorCode.internalError, message: "internal server error")

    /// A status Hummingbird chose, with its code (`internal_error` for a 5xx) and a message.
    private static func response(for error: HTTPError, request: Request) -> Response {
        let message = message(for: error, request: request)
        guard let code = HTTPErrorCode(status: error.status) else {
            return make(error.status, APIResponse.error(EngineError(ServerErrorCode.internalError, message: message)))
        }
        return make(error.status, APIResponse.error(code, message: message))
    }

    /// `{"error": error}` with `status`.
    private static func make(_ status: HTTPResponse.Status, _ error: JSONValue) -> Response {
        APIResponse.json(.object(["error": error]), status: status)
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
