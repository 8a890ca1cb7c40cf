import ArrwEngine
import ArrwServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/docs` serves Swagger UI from the installed assets (a clear 503 without them); with keys
/// set it needs one, as every route but the probes (SPEC.md); a known path with a method it
/// does not take is a 405 naming the methods it does.
@Suite struct DocsRouteTests {
    /// A folder holding stand-ins for Swagger UI's files.
    static func assets() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appending(path: "arrwdb-docs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("/* bundle */".utf8).write(to: URL(filePath: directory + "/swagger-ui-bundle.js"))
        try Data("body {}".utf8).write(to: URL(filePath: directory + "/swagger-ui.css"))
        return directory
    }

    func text(_ api: API, _ uri: String, key: String? = nil) async throws -> (HTTPResponse.Status, HTTPFields, String) {
        try await api.client.execute(uri: uri, method: .get, headers: key.map { [.authorization: "Bearer \($0)"] } ?? [:], body: nil) { response in
            (response.status, response.headers, String(decoding: response.body.readableBytesView, as: UTF8.self))
        }
    }

    @Test("the page loads its assets from this server only, needs a key when keys are set, and the start-up script points at /openapi.json")
    func page() async throws {
        let directory = try Self.assets()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withAPI(testConfiguration { $0.docsAssetsPath = directory; $0.apiKeys = ["secret"] }) { api in
            for path in ["/docs", "/openapi.json", "/docs/assets/swagger-ui-bundle.js"] {
                #expect(try await text(api, path).0 == .unauthorized, "\(path) without a key")
            }
            let (status, headers, html) = try await text(api, "/docs", key: "secret")
            #expect(status == .ok && headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(html.contains("/docs/assets/swagger-ui-bundle.js") && !html.contains("https://"))
            #expect(headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let (bundleStatus, bundleHeaders, bundle) = try await text(api, "/docs/assets/swagger-ui-bundle.js", key: "secret")
            #expect(bundleStatus == .ok && bundle == "/* bundle */" && bundleHeaders[.contentType] == "application/javascript")
            let (_, _, initializer) = try await text(api, "/docs/assets/swagger-initializer.js", key: "secret")
            #expect(initializer.contains(#"url: "/openapi.json""#) && initializer.contains("tryItOutEnabled: true"))
            let key: HTTPFields = [.authorization: "Bearer secret"]
            #expect(try await api.call(.get, "/openapi.json", headers: key).status == .ok)
            try await api.call(.get, "/docs/assets/..%2Fsecret", headers: key).expectError(.notFound, "not_found")
            try await api.call(.get, "/docs/assets/index.html", headers: key).expectError(.notFound, "not_found")
            try await api.call(.get, "/v1/libraries").expectError(.unauthorized, "unauthorized")
        }
    }

    @Test("without Swagger UI's files /docs is a 503 docs_unavailable naming the set-up script")
    func missingAssets() async throws {
        try await withAPI(testConfiguration { $0.docsAssetsPath = "/nonexistent/swagger-ui" }) { api in
            let reply = try await api.call(.get, "/docs")
            reply.expectError(.serviceUnavailable, "docs_unavailable")
            #expect(reply.errorMessage?.contains("scripts/fetch-docs-assets") == true)
        }
    }

    @Test("a route's path with a method it does not take is a 405 with Allow; an unknown path stays a 404")
    func methodNotAllowed() async throws {
        try await withAPI { api in
            let reply = try await api.call(.put, "/v1/libraries")
            reply.expectError(.methodNotAllowed, "method_not_allowed")
            #expect(reply.headers[.allow] == "GET, POST")
            let templated = try await api.call(.patch, "/v1/libraries/abc/documents/d1")
            #expect(templated.status == .methodNotAllowed && templated.headers[.allow] == "DELETE, GET, PUT")
            try await api.call(.put, "/v1/nothing").expectError(.notFound, "not_found")
        }
    }
}
