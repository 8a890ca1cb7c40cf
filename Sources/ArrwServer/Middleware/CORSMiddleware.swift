import HTTPTypes
import Hummingbird

/// Cross-origin access for browser clients from the origins `CORS_ORIGINS` lists (`*` for any).
///
/// A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from a listed
/// origin is answered here with 204, the methods the API uses and the headers the browser asked
/// for, cached for 10 minutes; from another origin it is a 403 envelope. An ordinary request
/// from a listed origin gets `Access-Control-Allow-Origin` (the origin itself, with
/// `Vary: Origin`, unless the list is `*`) and may read `X-Request-ID` and `Retry-After`.
/// A request from an unlisted origin is served without CORS headers, so the browser withholds
/// the answer. Added only when `CORS_ORIGINS` is set, outside the error envelope so that error
/// answers carry the headers too.
struct CORSMiddleware<Context: RequestOutcomeContext>: RouterMiddleware {
    let origins: Set<String>
    static var methods: String { "GET, POST, PUT, PATCH, DELETE, OPTIONS" }
    static var exposedHeaders: String { "X-Request-ID, Retry-After" }

    init(origins: [String]) {
        self.origins = Set(origins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = origins.contains("*") || origins.contains(origin)
        if request.method == .options, let method = request.headers[.accessControlRequestMethod] {
            guard allowed else {
                context.outcome.errorCode = HTTPErrorCode.forbiddenOrigin.rawValue
                return ErrorEnvelope.response(.forbiddenOrigin, message: "the origin \(origin) is not in CORS_ORIGINS")
            }
            var response = Response(status: .noContent)
            allow(origin, in: &response.headers)
            response.headers[.accessControlAllowMethods] = Self.methods.contains(method) ? Self.methods : method
            if let headers = request.headers[.accessControlRequestHeaders] {
                response.headers[.accessControlAllowHeaders] = headers
            }
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        if allowed {
            allow(origin, in: &response.headers)
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        return response
    }

    private func allow(_ origin: String, in headers: inout HTTPFields) {
        if origins.contains("*") {
            headers[.accessControlAllowOrigin] = "*"
        } else {
            headers[.accessControlAllowOrigin] = origin
            headers.append(HTTPField(name: .vary, value: "Origin"))
        }
    }
}
