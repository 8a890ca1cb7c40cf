import Foundation

/// The background job types of SPEC.md.
public enum JobType: String, CaseIterable, Sendable {
    case batchImport = "batch_import"
    case indexRebuild = "index_rebuild"
    case indexOptimize = "index_optimize"
    case regenerateEmbeddings = "regenerate_embeddings"
    case batchDelete = "batch_delete"
    case batchExport = "batch_export"
}

/// Where a job is in its life. `pending` → `running` → one of the finished states; a running
/// job interrupted by a restart runs again from its last checkpoint.
public enum JobStatus: String, CaseIterable, Sendable {
    case pending, running, completed, failed, cancelled

    /// Completed, failed or cancelled: nothing more happens to the job.
    public var isFinished: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// One background job as the API shows it, plus what it needs to run and resume: its `input`
/// (fixed at submission; once the job has finished, its bulk is replaced by counts, see
/// `JobTable.trimmed`) and its last `checkpoint`.
///
/// Invariants: `progress` is 0...100 and never decreases; `completedAt` is set exactly when the
/// status is finished; `attempts` counts the starts.
public struct Job: Sendable, Equatable {
    public var id: UUID
    public var type: JobType
    public var libraryId: UUID?
    public var status: JobStatus
    public var progress: Int
    public var current: Int
    public var total: Int
    public var message: String
    public var input: JSONValue
    public var checkpoint: JSONValue
    public var result: JSONValue?
    public var error: String?
    public var attempts: Int
    public var maxRetries: Int
    public var createdAt: Date
    public var startedAt: Date?
    public var completedAt: Date?

    init(id: UUID, type: JobType, libraryId: UUID?, input: JSONValue, maxRetries: Int, createdAt: Date) {
        self.id = id
        self.type = type
        self.libraryId = libraryId
        self.status = .pending
        self.progress = 0
        self.current = 0
        self.total = 0
        self.message = ""
        self.input = input
        self.checkpoint = .null
        self.attempts = 0
        self.maxRetries = maxRetries
        self.createdAt = createdAt
    }
}
