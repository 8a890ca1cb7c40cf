import Dispatch
import Glibc
import Synchronization

/// The write-ahead log: every change is appended here, with a sequence number, before it is
/// applied and acknowledged. The file format is specified in `WALFormat`.
///
/// Group commit: `append` only frames the record into an in-memory batch and returns its
/// sequence; one flusher (a serial queue) writes the whole batch with one `write` and one
/// `fdatasync`, then wakes every `waitUntilDurable` caller the batch covered. Writers that
/// arrive while an fsync runs share the next one, so concurrent writers pay one fsync between
/// them, not one each.
///
/// Invariants: sequences are assigned in `append` order, strictly increasing by one, and a
/// batch is written in sequence order, so when a sequence is durable every earlier one is too.
/// After a failed write or fsync the log accepts nothing more (`StorageError.logFailed`): what
/// reached the disk is unknown until recovery reads it back.
public final class WriteAheadLog: @unchecked Sendable {
    /// When an appended record counts as durable.
    public enum SyncMode: Sendable, Equatable {
        /// `fdatasync` before acknowledging (the default): survives kill -9 and power loss.
        case always
        /// Acknowledge once written to the OS; `fdatasync` every so many seconds. Survives a
        /// crash of the process, but a power loss can lose the last interval's writes.
        case interval(Double)
    }

    /// How the log syncs and how large a segment grows before the next one starts.
    public struct Options: Sendable {
        public var syncMode: SyncMode
        public var segmentBytes: Int

        public init(syncMode: SyncMode = .always, segmentBytes: Int = 64 << 20) {
            self.syncMode = syncMode
            self.segmentBytes = segmentBytes
        }
    }

    struct State {
        var batch: [UInt8] = []
        var batchFirstSequence: UInt64
        var nextSequence: UInt64
        var durableThrough: UInt64
        var flushScheduled = false
        var failure: String?
        var closed = false
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var appended = 0
        var syncs = 0
        var syncSeconds = 0.0
        var onDurable: (@Sendable (UInt64) -> Void)?
    }

    /// Counters for metrics and tests: records appended since open, fsyncs issued, the last
    /// durable sequence, and why the log stopped accepting records, if it did.
    public struct Statistics: Sendable, Equatable {
        public var records: Int
        public var syncs: Int
        /// Seconds spent in `fdatasync`, summed over `syncs`.
        public var syncSeconds: Double
        public var durableThrough: UInt64
        public var failure: String?
    }

    /// The segment being appended to; touched only on `queue`.
    struct ActiveSegment {
        var fd: Int32
        var path: String
        var firstSequence: UInt64
        var size: Int
    }

    public let directory: String
    public let options: Options
    /// What recovery found when the log was opened.
    public let recovery: WALRecoveryReport
    let state: Mutex<State>
    let queue = DispatchQueue(label: "arrwdb.wal.flush")
    nonisolated(unsafe) var active: ActiveSegment
    nonisolated(unsafe) var segments: [UInt64]
    /// Whether the active segment has writes not yet fsynced; touched only on `queue`.
    nonisolated(unsafe) var unsynced = false
    var syncTimer: (any DispatchSourceTimer)?

    init(directory: String, options: Options, recovery: WALRecoveryReport, active: ActiveSegment, segments: [UInt64], nextSequence: UInt64) {
        self.directory = directory
        self.options = options
        self.recovery = recovery
        self.active = active
        self.segments = segments
        state = Mutex(State(batchFirstSequence: nextSequence, nextSequence: nextSequence, durableThrough: nextSequence - 1))
        if case .interval(let seconds) = options.syncMode {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + seconds, repeating: seconds)
            timer.setEventHandler { [weak self] in self?.syncActiveSegment() }
            timer.resume()
            syncTimer = timer
        }
    }

    deinit {
        syncTimer?.cancel()
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(records: $0.appended, syncs: $0.syncs, syncSeconds: $0.syncSeconds, durableThrough: $0.durableThrough, failure: $0.failure)
        }
    }

    /// The sequence the last `append` received (0 before any).
    public var lastSequence: UInt64 { state.withLock { $0.nextSequence - 1 } }

    /// Calls `handler` (on the log's flush queue, in order, before the waiters wake) each time
    /// records become durable, with the last durable sequence.
    public func onDurable(_ handler: @escaping @Sendable (UInt64) -> Void) {
        state.withLock { $0.onDurable = handler }
    }

    /// Frames `payload` as the next record and returns its sequence; `assigned` sees the
    /// sequence first, under the log's lock (so before the record can become durable). The
    /// record is not yet durable: call `waitUntilDurable` before acknowledging its change.
    public func append(_ payload: [UInt8], assigned: (UInt64) -> Void = { _ in }) throws -> UInt64 {
        try append(contentsOf: [payload]) { _, sequence in assigned(sequence) }.lowerBound
    }

    /// Frames each payload as the next record, in order, under one lock, and returns their
    /// sequences (consecutive); `assigned` sees each payload's position and sequence first, as
    /// `append(_:assigned:)` does. The flusher is woken once, after the last, so a batch of
    /// changes is written and synced together rather than in the pieces a flusher running
    /// meanwhile would take. Either every payload is framed or (a payload over the limit, a
    /// failed or closed log) none is.
    public func append(contentsOf payloads: [[UInt8]], assigned: (Int, UInt64) -> Void = { _, _ in }) throws -> ClosedRange<UInt64> {
        precondition(!payloads.isEmpty, "append(contentsOf:) needs at least one payload")
        if let large = payloads.first(where: { $0.count > WALFormat.maxPayloadBytes }) {
            throw StorageError.logFailed("a record of \(large.count) bytes exceeds the \(WALFormat.maxPayloadBytes)-byte limit")
        }
        let (sequences, schedule) = try state.withLock { state -> (ClosedRange<UInt64>, Bool) in
            if let failure = state.failure { throw StorageError.logFailed(failure) }
            if state.closed { throw StorageError.closed }
            let first = state.nextSequence
            if state.batch.isEmpty { state.batchFirstSequence = first }
            for (position, payload) in payloads.enumerated() {
                let sequence = first + UInt64(position)
                assigned(position, sequence)
                payload.withUnsafeBytes { WALFormat.appendRecord(kind: .data, sequence: sequence, payload: $0, to: &state.batch) }
            }
            state.nextSequence += UInt64(payloads.count)
            state.appended += payloads.count
            let schedule = !state.flushScheduled
            state.flushScheduled = true
            return (first...(state.nextSequence - 1), schedule)
        }
        if schedule { queue.async { self.flush() } }
        return sequences
    }

    /// Returns once `sequence` is durable (per the sync mode); throws if the log failed first.
    public func waitUntilDurable(_ sequence: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                if state.durableThrough >= sequence { return .success(()) }
                if let failure = state.failure { return .failure(StorageError.logFailed(failure)) }
                state.waiters.append((sequence, continuation))
                return nil
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }

    /// Records framed but not yet written, in sequence order.
    struct Batch {
        var bytes: [UInt8]
        var first: UInt64
        var last: UInt64
    }

    /// Writes one pending batch and syncs it; runs on `queue`, one batch per call, and
    /// schedules itself again while appends keep arriving.
    func flush() {
        if let batch = try? takeBatch() { try? write(batch, forceSync: false) }
        let more = state.withLock { state in
            if state.batch.isEmpty || state.failure != nil { state.flushScheduled = false }
            return state.flushScheduled
        }
        if more { queue.async { self.flush() } }
    }

    /// Takes the pending records (nil when there are none); throws once the log has failed.
    func takeBatch() throws -> Batch? {
        try state.withLock { state in
            if let failure = state.failure { throw StorageError.logFailed(failure) }
            guard !state.batch.isEmpty else { return nil }
            defer { state.batch = [] }
            return Batch(bytes: state.batch, first: state.batchFirstSequence, last: state.nextSequence - 1)
        }
    }

    /// Writes `batch` to the active segment (starting the next segment first when this one is
    /// full), syncs it as the mode asks (always when `forceSync`), and wakes its waiters. On
    /// failure the log is marked failed and every waiter gets the error. Runs on `queue`.
    func write(_ batch: Batch, forceSync: Bool) throws {
        do {
            if active.size + batch.bytes.count > options.segmentBytes && active.size > WALFormat.segmentHeaderSize {
                try startSegment(firstSequence: batch.first)
            }
            try FileIO.writeAll(active.fd, batch.bytes, path: active.path)
            active.size += batch.bytes.count
            unsynced = true
            if forceSync || options.syncMode == .always { try syncActive() }
            complete(through: batch.last, failure: nil)
        } catch {
            complete(through: batch.last, failure: "\(error)")
            throw error
        }
    }

    private func complete(through sequence: UInt64, failure: String?) {
        if failure == nil, let handler = state.withLock({ $0.onDurable }) { handler(sequence) }
        let ready = state.withLock { state in
            if let failure {
                state.failure = failure
                defer { state.waiters = [] }
                return state.waiters.map { ($0.continuation, Result<Void, any Error>.failure(StorageError.logFailed(failure))) }
            }
            state.durableThrough = sequence
            let done = state.waiters.filter { $0.sequence <= sequence }
            state.waiters.removeAll { $0.sequence <= sequence }
            return done.map { ($0.continuation, Result<Void, any Error>.success(())) }
        }
        for (continuation, result) in ready { continuation.resume(with: result) }
    }

    /// Creates the segment that starts at `firstSequence` (durably), then seals the old one.
    func startSegment(firstSequence: UInt64) throws {
        let path = directory + "/" + WALFormat.segmentName(firstSequence: firstSequence)
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try FileIO.writeAll(fd, WALFormat.segmentHeader(firstSequence: firstSequence), path: path)
            try FileIO.syncData(fd, path: path)
            try FileIO.syncDirectory(directory)
        } catch {
            Glibc.close(fd)
            throw error
        }
        var seal: [UInt8] = []
        WALFormat.appendRecord(kind: .seal, sequence: firstSequence, payload: UnsafeRawBufferPointer(start: nil, count: 0), to: &seal)
        try FileIO.writeAll(active.fd, seal, path: active.path)
        try FileIO.syncData(active.fd, path: active.path)
        Glibc.close(active.fd)
        active = ActiveSegment(fd: fd, path: path, firstSequence: firstSequence, size: WALFormat.segmentHeaderSize)
        segments.append(firstSequence)
        unsynced = false
    }

    /// `fdatasync` of the active segment, counted. Runs on `queue`.
    func syncActive() throws {
        let start = ContinuousClock.now
        try FileIO.syncData(active.fd, path: active.path)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        unsynced = false
        state.withLock {
            $0.syncs += 1
            $0.syncSeconds += seconds
        }
    }

    /// The relaxed mode's timer: syncs when anything was written since the last sync.
    private func syncActiveSegment() {
        guard unsynced else { return }
        do {
            try syncActive()
        } catch {
            complete(through: 0, failure: "\(error)")
        }
    }
}
