/// Why the storage layer could not read or write the data directory. Damage found on disk is
/// reported with the file and offset, never by trapping.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    /// A system call failed: the operation, the path and `errno`'s text.
    case io(operation: String, path: String, reason: String)
    /// A WAL record or segment is damaged somewhere other than the torn tail of the newest segment.
    case corruptLog(path: String, offset: Int, reason: String)
    /// WAL records that recovery needs are not on disk (a deleted or missing segment).
    case missingRecords(String)
    /// A snapshot file cannot be used.
    case badSnapshot(path: String, reason: String)
    /// Another process holds the data directory's lock file.
    case locked(path: String, holder: String)
    /// An earlier write or fsync of the WAL failed; the log accepts no more records until restart.
    case logFailed(String)
    /// The log was closed.
    case closed

    public var description: String {
        switch self {
        case .io(let operation, let path, let reason): "\(operation) '\(path)' failed: \(reason)"
        case .corruptLog(let path, let offset, let reason):
            "the write-ahead log is damaged in '\(path)' at byte \(offset): \(reason). Records after it exist, so this is "
                + "not a torn tail; refusing to start rather than lose them silently (inspect with `arrwdb inspect-wal`)"
        case .missingRecords(let reason): "write-ahead log records are missing: \(reason)"
        case .badSnapshot(let path, let reason): "snapshot '\(path)' is unusable: \(reason)"
        case .locked(let path, let holder):
            "the data directory is in use: '\(path)' is locked by \(holder); two servers must never share one DATA_DIR"
        case .logFailed(let reason): "the write-ahead log failed earlier (\(reason)); writes are refused until restart"
        case .closed: "the write-ahead log is closed"
        }
    }
}
