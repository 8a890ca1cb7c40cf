import Synchronization

/// Counts what remote embedding calls cost one piece of work (a batch, an import): the retries
/// its calls needed. The work sets one as `current` around its embedding; a remote provider
/// counts into whichever is current in the calling task (child tasks inherit it).
public final class EmbeddingCallTally: Sendable {
    @TaskLocal public static var current: EmbeddingCallTally?

    private let retryCount = Atomic<Int>(0)

    public init() {}

    /// Calls that were retries (after a 429, 5xx, timeout or refused connection).
    public var retries: Int { retryCount.load(ordering: .relaxed) }

    public func countRetry() { retryCount.add(1, ordering: .relaxed) }
}
