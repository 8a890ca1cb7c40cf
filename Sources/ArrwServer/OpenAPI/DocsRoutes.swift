import ArrwEngine
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// `GET /openapi.json`, and `GET /docs`: Swagger UI over that document, working with no
/// internet. The page and its start-up script come from the binary; Swagger UI's own files
/// (`swagger-ui-bundle.js`, `swagger-ui.css`, the icon) from `DOCS_ASSETS_PATH`, which the set-up
/// fills (scripts/fetch-docs-assets), read once and kept. Without them `/docs` is a 503
/// `docs_unavailable` saying how to install them. Like every route but the probes, they need a
/// key when the server has keys (SPEC.md): the description names every route a tenant could try.
struct DocsRoutes<Context: RequestContext>: Sendable {

    let assets: DocsAssets

    init(assetsPath: String) {
        assets = DocsAssets(directory: assetsPath)
    }

    func register(on router: Router<Context>) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: OpenAPIDocument.bytes))
        }
        router.get("docs") { _, _ in
            guard assets.installed else {
                throw EngineError(
                    ServerErrorCode.docsUnavailable,
                    message: "Swagger UI's files are not in DOCS_ASSETS_PATH (\(assets.directory)); run scripts/fetch-docs-assets")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.pagePolicy],
                body: .init(byteBuffer: ByteBuffer(string: Self.page)))
        }
        router.get("docs/assets/:file") { _, context in
            let name = try context.parameters.require("file")
            guard let (type, bytes) = assets.file(name) else {
                throw HTTPRefusal(.notFound, message: "no docs asset named '\(name)'")
            }
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: bytes))
        }
    }

    /// The page may load scripts, styles and images from this server only; Swagger UI sets
    /// inline styles, and "try it out" calls this server.
    static var pagePolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
    }

    static var page: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>arrwDB API</title>
          <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
          <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/docs/assets/swagger-ui-bundle.js"></script>
          <script src="/docs/assets/swagger-initializer.js"></script>
        </body>
        </html>

        """
    }

    /// Starts Swagger UI on `/openapi.json` with "try it out" on (no inline script: the page's
    /// policy forbids one).
    static var initializer: String {
        """
        window.onload = function () {
          window.ui = SwaggerUIBundle({
            url: "/openapi.json",
            dom_id: "#swagger-ui",
            deepLinking: true,
            tryItOutEnabled: true,
            presets: [SwaggerUIBundle.presets.apis],
            layout: "BaseLayout"
          });
        };

        """
    }
}

/// Swagger UI's files in `directory`, read on first use and kept; only the names listed are served.
final class DocsAssets: Sendable {
    let directory: String
    private let cache = Mutex<[String: ByteBuffer]>([:])

    /// Every file the page loads, with its content type; `swagger-initializer.js` is the binary's own.
    static let types: [String: String] = [
        "swagger-ui-bundle.js": "application/javascript", "swagger-ui.css": "text/css",
        "favicon-32x32.png": "image/png", "swagger-initializer.js": "application/javascript",
    ]

    init(directory: String) {
        self.directory = directory
    }

    /// Whether the files from the package are there.
    var installed: Bool {
        ["swagger-ui-bundle.js", "swagger-ui.css"].allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// The content type and bytes of the asset `name`, or nil when there is no such asset.
    func file(_ name: String) -> (String, ByteBuffer)? {
        guard let type = Self.types[name] else { return nil }
        if name == "swagger-initializer.js" { return (type, ByteBuffer(string: DocsRoutes<BasicRequestContext>.initializer)) }
        if let cached = cache.withLock({ $0[name] }) { return (type, cached) }
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
        let bytes = ByteBuffer(bytes: data)
        cache.withLock { $0[name] = bytes }
        return (type, bytes)
    }
}
