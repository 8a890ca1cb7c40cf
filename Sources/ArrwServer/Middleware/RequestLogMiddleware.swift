import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id and logs it once, when it is answered.
///
/// The id is the client's `X-Request-ID` when that is 1 to 128 visible ASCII characters, else a
/// fresh UUID; it is echoed in the answer's `X-Request-ID` and set as `request_id` on the
/// request's logger, so whatever a route logs carries it. The line (level info) holds
/// `request_id`, `method`, `route` (the template, `NotFound` when no route matched), `status`,
/// `duration_ms`, `library_id` on a library's routes and `error_code` when the answer is an
/// error. Sits outside `ErrorEnvelopeMiddleware`, which tells it the code through the
/// request's `RequestOutcome`. A streamed answer is logged when its head is ready.
struct RequestLogMiddleware<Context: RequestOutcomeContext>: RouterMiddleware {
    static var requestIDField: HTTPField.Name { HTTPField.Name("X-Request-ID")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let id = Self.requestID(from: request.headers[Self.requestIDField])
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.requestIDField] = id
        log(request, context, status: response.status.code, since: start)
        return response
    }

    /// The client's id when it is a usable one, else a new one.
    static func requestID(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count), header.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }

    private func log(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "NotFound"
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible((elapsed / .microseconds(1)).rounded() / 1000),
        ]
        if route.hasPrefix("/v1/libraries/"), let library = context.parameters.get("id") {
            metadata["library_id"] = .string(library)
        }
        if let code = context.outcome.errorCode { metadata["error_code"] = .string(code) }
        context.logger.info("request", metadata: metadata)
    }
}
