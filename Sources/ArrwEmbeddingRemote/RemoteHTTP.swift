import AsyncHTTPClient
import NIOCore
import ServiceLifecycle

/// The outbound HTTP clients of the remote providers. A refused or unroutable connection fails
/// within `connectTimeout` instead of being retried by the client until the request's deadline,
/// so `RemoteJSONCaller`'s own backoff decides how long a provider that is down costs.
public enum RemoteHTTP {
    public static let connectTimeout = TimeAmount.seconds(5)

    public static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: connectTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// A process-wide client on the shared event loops, never shut down (tests, tools); the
    /// server makes its own and runs it as an `HTTPClientService`.
    public static let shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

    /// A client of `configuration` on `group`, for the server's lifetime.
    public static func makeClient(on group: any EventLoopGroup) -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }
}

/// Runs until the service group shuts down, then shuts `client` down (in-flight calls finish
/// first, as the services before it in the group have stopped).
public struct HTTPClientService: Service {
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        try await gracefulShutdown()
        try await client.shutdown()
    }
}
