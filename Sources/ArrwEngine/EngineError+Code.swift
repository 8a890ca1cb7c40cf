/// A stable error code: the string clients switch on, the family that decides how a transport
/// reports it, and one line saying when it happens (what the API docs list).
///
/// Codes are declared, never spelled inline: the engine's are `EngineError.Code`; a transport
/// that raises `EngineError`s of its own declares them in one enum of its own and conforms it.
public protocol EngineErrorCode: Sendable {
    /// The code as clients see it, in snake_case.
    var rawValue: String { get }
    /// The family, which decides the status a transport answers with.
    var kind: EngineError.Kind { get }
    /// When the code happens, in one sentence.
    var summary: String { get }
}

extension EngineError {
    /// Every code the engine raises. `meaning` holds, one line per code, its family and when
    /// it happens; `allCases` is the list the API docs use.
    public enum Code: String, CaseIterable, EngineErrorCode {
        case validationError = "validation_error"
        case invalidFilter = "invalid_filter"
        case unknownFilterOperator = "unknown_filter_operator"
        case dimensionMismatch = "dimension_mismatch"
        case limitExceeded = "limit_exceeded"
        case libraryNotFound = "library_not_found"
        case documentNotFound = "document_not_found"
        case duplicateName = "duplicate_name"
        case duplicateDocument = "duplicate_document"
        case resumePointExpired = "resume_point_expired"
        case embeddingFailed = "embedding_failed"
        case storageUnavailable = "storage_unavailable"
        case embeddingInvalid = "embedding_invalid"
        case recoveryFailed = "recovery_failed"
        case jobNotFound = "job_not_found"
        case jobFinished = "job_finished"
        case jobQueueFull = "job_queue_full"
        case jobFailed = "job_failed"
        case jobResultUnavailable = "job_result_unavailable"
        case exportExpired = "export_expired"
        case rerankerUnavailable = "reranker_unavailable"
        case rerankFailed = "rerank_failed"
        case rerankRateLimited = "rerank_rate_limited"
        case embeddingCredentialsRejected = "embedding_credentials_rejected"
        case embeddingModelUnknown = "embedding_model_unknown"
        case embeddingUnavailable = "embedding_unavailable"
        case embeddingTimedOut = "embedding_timed_out"
        case embeddingRejected = "embedding_rejected"
        case embeddingModelMismatch = "embedding_model_mismatch"
        case tenantNotFound = "tenant_not_found"
        case tenantActive = "tenant_active"
        case quotaExceeded = "quota_exceeded"

        public var kind: Kind { meaning.kind }
        public var summary: String { meaning.summary }

        private var meaning: (kind: Kind, summary: String) {
            switch self {
            case .validationError: (.invalidInput, "A field is missing, has the wrong type, or holds a value that is not allowed.")
            case .invalidFilter: (.invalidInput, "A metadata filter is not of the filter language's shape.")
            case .unknownFilterOperator: (.invalidInput, "A metadata filter uses an operator that does not exist; details name it.")
            case .dimensionMismatch: (.invalidInput, "A vector's length differs from the library's dimension or the embedding model's.")
            case .limitExceeded: (.invalidInput, "A value is over a configured limit (chunks, text length, k, batch size, dimension).")
            case .libraryNotFound: (.notFound, "The library does not exist.")
            case .documentNotFound: (.notFound, "The document does not exist in the library.")
            case .duplicateName: (.conflict, "Another library already has this name.")
            case .duplicateDocument: (.conflict, "A document with this id exists already; PUT replaces it.")
            case .resumePointExpired: (.expired, "The events after the resume point are no longer kept; resume later or start fresh.")
            case .embeddingFailed: (.unavailable, "The embedding provider could not embed the text.")
            case .storageUnavailable: (.unavailable, "A change could not be made durable; the server accepts no writes until restarted.")
            case .embeddingInvalid: (.upstreamFailure, "The embedding provider answered without one finite vector of the model's length per text.")
            case .recoveryFailed: (.internalFailure, "The data directory could not be recovered at start-up.")
            case .jobNotFound: (.notFound, "No job has this id.")
            case .jobFinished: (.conflict, "The job has finished (completed, failed or cancelled); it can no longer be cancelled.")
            case .jobFailed: (.conflict, "The job ran and failed; the message gives its reason.")
            case .jobQueueFull: (.overloaded, "MAX_PENDING_JOBS jobs wait already; submit again once some have run.")
            case .jobResultUnavailable: (.conflict, "Only a completed batch_export job has a file to download.")
            case .exportExpired: (.expired, "The export file was removed after its retention; run the export again.")
            case .rerankerUnavailable: (.invalidInput, "The rerank method needs a service this server is not configured for (COHERE_API_KEY): pick another method.")
            case .rerankFailed: (.unavailable, "The rerank service failed, refused the request or could not be reached; the message gives its answer.")
            case .rerankRateLimited: (.overloaded, "The rerank service is over its rate limit; retry after Retry-After seconds.")
            case .embeddingCredentialsRejected: (.upstreamFailure, "The remote embedding provider refused the server's API key (COHERE_API_KEY, OPENAI_API_KEY).")
            case .embeddingModelUnknown: (.upstreamFailure, "The remote embedding provider does not know the model (EMBEDDING_MODEL).")
            case .embeddingUnavailable: (.unavailable, "The remote embedding provider could not be reached, or kept failing or rate-limiting past every retry.")
            case .embeddingTimedOut: (.unavailable, "The remote embedding provider did not answer within its timeout, on every attempt.")
            case .tenantNotFound: (.notFound, "No tenant has this id.")
            case .tenantActive: (.conflict, "Only a deactivated tenant can be purged: DELETE it first.")
            case .quotaExceeded: (.overloaded, "The tenant is at one of its quotas (libraries, vectors); details name it.")
            case .embeddingModelMismatch:
                (.conflict, "The text would be embedded by another model than the library's (or the library's provider is not configured); details name both.")
            case .embeddingRejected: (.invalidInput, "The remote embedding provider refused the text (too long, empty, not allowed); the message gives its reason.")
            }
        }
    }
}
