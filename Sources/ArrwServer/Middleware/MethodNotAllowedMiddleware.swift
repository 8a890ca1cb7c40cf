import HTTPTypes
import Hummingbird
import Synchronization

/// Turns "no route" into 405 `method_not_allowed` with an `Allow` header when the path is a
/// route's but the method is not one it takes (Hummingbird answers 404 either way).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            throw HTTPRefusal(
                .methodNotAllowed, message: "\(request.uri.path) does not take \(request.method); it takes \(allowed.joined(separator: ", "))",
                headers: [.allow: allowed.joined(separator: ", ")])
        }
    }
}

/// The router's routes as path templates and methods, set once every route is registered.
final class RouteTable: Sendable {
    private let templates = Mutex<[(segments: [Substring], method: String)]>([])

    /// Records `routes` (Hummingbird's `Router.routes`).
    func set(_ routes: [(path: String, method: String)]) {
        templates.withLock { $0 = routes.map { ($0.path.split(separator: "/"), $0.method) } }
    }

    /// The methods of the routes whose template matches `path`, sorted.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        return templates.withLock { templates in
            Set(templates.filter { Self.matches($0.segments, segments) }.map(\.method)).sorted()
        }
    }

    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        template.count == path.count && zip(template, path).allSatisfy { $0.hasPrefix("{") || $0.hasPrefix(":") || $0 == $1 }
    }
}
