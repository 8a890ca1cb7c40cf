import ArrwEngine

/// The original arrwDB's `error_type`: the name of the exception its clients switch on, sent in
/// every error envelope beside our `code`. `LibraryNotFoundError`, `DocumentNotFoundError` and
/// `DimensionMismatchError` are the original's own names; every other code is named by its
/// status (`ValidationError` for a 400, `NotFoundError` for a 404, ...), as clients that only
/// tell those apart expect.
enum OriginalErrorType {
    static func name(code: String, status: Int?) -> String {
        switch code {
        case EngineError.Code.libraryNotFound.rawValue: return "LibraryNotFoundError"
        case EngineError.Code.documentNotFound.rawValue: return "DocumentNotFoundError"
        case EngineError.Code.dimensionMismatch.rawValue: return "DimensionMismatchError"
        case EngineError.Code.jobNotFound.rawValue: return "JobNotFoundError"
        default: return byStatus[status ?? 500] ?? (status.map { $0 < 500 } == true ? "ValidationError" : "InternalServerError")
        }
    }

    private static let byStatus: [Int: String] = [
        400: "ValidationError", 401: "AuthenticationError", 403: "AuthorizationError", 404: "NotFoundError",
        405: "MethodNotAllowedError", 408: "RequestTimeoutError", 409: "ConflictError", 410: "GoneError",
        413: "PayloadTooLargeError", 415: "UnsupportedMediaTypeError", 429: "RateLimitExceededError",
        500: "InternalServerError", 501: "NotImplementedError", 502: "UpstreamServiceError", 503: "ServiceUnavailableError",
    ]
}
