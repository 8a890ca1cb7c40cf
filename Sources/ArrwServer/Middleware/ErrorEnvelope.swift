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
        case .upstreamFailure: .badGateway
        }
    }

    /// The answer to `error` and its catalogue code.
    static func render(_ error: any Error, request: Request, logger: Logger) -> (response: Response, code: String) {
        switch error {
        case let error as EngineError:
            var response = make(status(for: error.kind), APIResponse.error(error))
            if error.kind == .overloaded {
                let seconds = error.details?["retry_after_seconds"]?.number.map { max(1, Int($0)) } ?? 1
                response.headers[.retryAfter] = String(seconds)
            }
            return (response, error.code)
        case let refusal as HTTPRefusal:
            var response = make(refusal.code.status, APIResponse.error(refusal.code, message: refusal.message))
            response.headers.append(contentsOf: refusal.headers)
            return (response, refusal.code.rawValue)
        case let error as HTTPError:
            var rendered = render(error, request: request)
            for field in error.headers { rendered.response.headers.append(field) }
            return rendered
        case is NIOTooManyBytesError:
            return (response(.payloadTooLarge, message: "the request body is larger than this server accepts"), HTTPErrorCode.payloadTooLarge.rawValue)
        default:
            logger.error("unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return (make(.internalServerError, APIResponse.error(internalError)), internalError.code)
        }
    }

    /// The envelope of an error of the HTTP layer (a missing key, a spent rate limit).
    static func response(_ code: HTTPErrorCode, message: String) -> Response {
        make(code.status, APIResponse.error(code, message: message))
    }

    /// A 500 says no more than this; the details go to the log.
    static let internalError = EngineError(ServerErrorCode.internalError, message: "internal server error")

    /// A status Hummingbird chose, with its code (`internal_error` for a 5xx) and a message.
    private static func render(_ error: HTTPError, request: Request) -> (response: Response, code: String) {
        let message = message(for: error, request: request)
        guard let code = HTTPErrorCode(status: error.status) else {
            let internalError = EngineError(ServerErrorCode.internalError, message: message)
            return (make(error.status, APIResponse.error(internalError)), internalError.code)
        }
        return (make(error.status, APIResponse.error(code, message: message)), code.rawValue)
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

/// A request the HTTP layer refuses before any route sees it (no API key, a spent rate limit),
/// with the headers its answer carries (`Retry-After`).
struct HTTPRefusal: Error {
    let code: HTTPErrorCode
    let message: String
    var headers: HTTPFields = [:]

    init(_ code: HTTPErrorCode, message: String, headers: HTTPFields = [:]) {
        self.code = code
        self.message = message
        self.headers = headers
    }
}

/// Catches every error a route throws, renders it with `ErrorEnvelope` and notes its code in
/// the request's outcome.
struct ErrorEnvelopeMiddleware<Context: RequestOutcomeContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let rendered = ErrorEnvelope.render(error, request: request, logger: context.logger)
            context.outcome.errorCode = rendered.code
            return rendered.response
        }
    }
}
