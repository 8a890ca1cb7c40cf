import Synchronization

/// What the engine reports as it works, for metrics: each search with its time, documents and
/// vectors added and deleted, each completed index build, embedding call and snapshot. The server hands one in
/// (`Database.observe(with:)`) that records into its Prometheus registry; the engine knows no
/// metrics library. Calls come from any task, so implementations must be thread-safe and cheap.
/// Only live work is reported; recovery's replay is not.
public protocol EngineObserver: Sendable {
    /// A search (vector, hybrid or reranked) of the library `libraryId` answered in `seconds`.
    func searched(libraryId: String, indexType: String, kind: SearchKind, seconds: Double)
    /// Documents stored as new, and the vectors (chunks) they brought.
    func documentsAdded(_ documents: Int, vectors: Int)
    /// Documents removed, and their vectors; a replaced document counts its old vectors here.
    func documentsDeleted(_ documents: Int, vectors: Int)
    /// An index build over `vectors` vectors finished in `seconds` (a rebuild or optimize job).
    func indexBuilt(libraryId: String, indexType: String, vectors: Int, seconds: Double)
    /// The embedding provider answered a batch of `texts` texts in `seconds`.
    func embedded(texts: Int, seconds: Double)
    /// A snapshot of `bytes` bytes (the libraries' sections) was written in `seconds`.
    func snapshotWritten(bytes: Int, seconds: Double)
}

/// Which search answered.
public enum SearchKind: String, Sendable {
    case vector, hybrid, rerank
}

/// The observer slot of a `Database`: empty until the server sets one.
final class ObserverSlot: Sendable {
    private let observer = Mutex<(any EngineObserver)?>(nil)

    var current: (any EngineObserver)? { observer.withLock { $0 } }

    func set(_ new: any EngineObserver) { observer.withLock { $0 = new } }
}

extension Database {
    /// Reports the engine's work to `observer` from now on.
    public func observe(with observer: any EngineObserver) {
        observers.set(observer)
    }
}
