import ArrwEngine
import HTTPTypes

/// The codes only the server raises that travel as `EngineError`s (request bodies, NDJSON
/// lines, WebSocket messages), so they reach clients through the same paths as the engine's.
/// `meaning` holds, one line per code, its family and when it happens.
enum ServerErrorCode: String, CaseIterable, EngineErrorCode {
    case invalidJSON = "invalid_json"
    case lineTooLarge = "line_too_large"
    case unknownAction = "unknown_action"
    case uploadInterrupted = "upload_interrupted"
    case internalError = "internal_error"
    case notReady = "not_ready"
    case docsUnavailable = "docs_unavailable"
    case ambiguousDocument = "ambiguous_document"
    case webhookNotFound = "webhook_not_found"
    case webhookTargetForbidden = "webhook_target_forbidden"

    var kind: EngineError.Kind { meaning.kind }
    var summary: String { meaning.summary }

    private var meaning: (kind: EngineError.Kind, summary: String) {
        switch self {
        case .invalidJSON: (.invalidInput, "A request body, NDJSON line or WebSocket message is empty or not valid JSON.")
        case .lineTooLarge: (.invalidInput, "An NDJSON line is longer than MAX_REQUEST_BODY_BYTES; that line fails alone.")
        case .unknownAction: (.invalidInput, "A WebSocket request names an action that does not exist; details name it.")
        case .uploadInterrupted: (.unavailable, "An NDJSON upload's body could not be read to its end; the lines before were stored.")
        case .internalError: (.internalFailure, "Something failed that should not have; the server log holds the details.")
        case .notReady: (.unavailable, "The server is still starting (recovering its data directory, loading the model); retry after Retry-After seconds.")
        case .docsUnavailable: (.unavailable, "The /docs page's Swagger UI files are not installed (DOCS_ASSETS_PATH; scripts/setup fetches them).")
        case .webhookNotFound: (.notFound, "No webhook has this id.")
        case .webhookTargetForbidden: (.invalidInput, "The webhook's URL is not http(s) or names a host WEBHOOK_ALLOWED_HOSTS does not allow (loopback is always allowed).")
        case .ambiguousDocument: (.conflict, "A route without a library names a document id that several libraries hold; details list them: use the library's route.")
        }
    }
}

/// The codes of the HTTP layer: a status Hummingbird chose (unknown route, body too large),
/// a missing API key or a spent rate limit. Each comes with one status, named here.
enum HTTPErrorCode: String, CaseIterable {
    case unauthorized
    case rateLimited = "rate_limited"
    case payloadTooLarge = "payload_too_large"
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case unsupportedMediaType = "unsupported_media_type"
    case badRequest = "bad_request"
    case forbiddenOrigin = "forbidden_origin"
    case requestTimeout = "request_timeout"
    case tooManyConnections = "too_many_connections"

    var status: HTTPResponse.Status { meaning.status }
    var summary: String { meaning.summary }

    private var meaning: (status: HTTPResponse.Status, summary: String) {
        switch self {
        case .unauthorized: (.unauthorized, "Keys are required (API_KEYS, ADMIN_API_KEY or tenants) and the request has no valid key (Authorization: Bearer or X-API-Key): missing, unknown, revoked, rotated away, expired, or not the admin key an admin route needs.")
        case .rateLimited: (.tooManyRequests, "The client spent its rate limit; Retry-After says when a request is allowed again.")
        case .payloadTooLarge: (.contentTooLarge, "The request body is larger than MAX_REQUEST_BODY_BYTES.")
        case .notFound: (.notFound, "No route has this path.")
        case .methodNotAllowed: (.methodNotAllowed, "The route does not take this method.")
        case .unsupportedMediaType: (.unsupportedMediaType, "The body's content type is not one the route reads.")
        case .badRequest: (.badRequest, "The HTTP layer refused the request before any route saw it (any other 4xx).")
        case .forbiddenOrigin: (.forbidden, "A CORS preflight from an origin that CORS_ORIGINS does not list.")
        case .requestTimeout: (.requestTimeout, "The request's head or body stalled longer than REQUEST_READ_TIMEOUT_SECONDS; the connection is closed.")
        case .tooManyConnections: (.serviceUnavailable, "MAX_CONNECTIONS connections are open; this one is answered and closed at once.")
        }
    }

    /// The code for a status Hummingbird answered with; nil for a 5xx, which is `internal_error`.
    init?(status: HTTPResponse.Status) {
        guard status.code < 500 else { return nil }
        self = Self.allCases.first { $0.status == status } ?? .badRequest
    }
}

/// The codes that end an event stream (SSE `event: error`, WebSocket `subscription_ended`)
/// rather than answer a request: the stream was already open, so they come with no status.
enum StreamErrorCode: String, CaseIterable {
    case subscriberTooSlow = "subscriber_too_slow"

    var summary: String {
        switch self {
        case .subscriberTooSlow: "The subscriber did not read its events fast enough and its queue overflowed; reconnect with since."
        }
    }
}

/// Every error code a client of this server can see, with the status it comes with and when
/// it happens: the engine's codes, then the server's, the HTTP layer's and the streams'.
/// The API docs list it; a test checks that no code is spelled anywhere but in a catalogue.
public enum ErrorCatalogue {
    /// One code as the API docs describe it.
    public struct Entry: Sendable, Equatable {
        /// The `code` of the error envelope.
        public let code: String
        /// The HTTP status it comes with; nil for codes that only end an open stream.
        public let status: Int?
        /// When it happens.
        public let summary: String
    }

    public static let all: [Entry] =
        (EngineError.Code.allCases.map(entry) + ServerErrorCode.allCases.map(entry))
        + HTTPErrorCode.allCases.map { Entry(code: $0.rawValue, status: $0.status.code, summary: $0.summary) }
        + StreamErrorCode.allCases.map { Entry(code: $0.rawValue, status: nil, summary: $0.summary) }

    private static func entry(_ code: some EngineErrorCode) -> Entry {
        Entry(code: code.rawValue, status: ErrorEnvelope.status(for: code.kind).code, summary: code.summary)
    }
}
