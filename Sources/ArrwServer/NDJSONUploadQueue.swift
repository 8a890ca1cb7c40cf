import ArrwEngine
import Synchronization

/// One line of an NDJSON upload once parsed: its 1-based number, the document it holds (or why
/// it holds none) and the bytes it took on the wire.
struct ParsedLine: Sendable {
    var number: Int
    var draft: Result<DocumentDraft, EngineError>
    var bytes: Int
}

/// The bounded hand-over between the task that reads and parses an upload's body and the task
/// that stores it, so the two run at once and batches adapt to the pace of the body: a batch is
/// every line waiting when the storer is free (at least one, at most `nextBatch`'s limits), so a
/// trickle is stored line by line as it arrives and a flood in full batches.
///
/// Invariants: at most `maxLines` lines or `maxBytes` bytes wait (plus the one line that filled
/// it): a producer that fills it waits in `push` until the consumer takes some, so the body is
/// not read meanwhile and the client is held back by TCP. One producer, one consumer. `finish`
/// ends the input (with an error to pass on, or none); `close` ends the consumer's interest, after
/// which `push` throws `CancellationError`.
final class NDJSONUploadQueue: Sendable {
    private struct State {
        var lines: [ParsedLine] = []
        var bytes = 0
        var finished = false
        var failure: (any Error)?
        var closed = false
        var waitingConsumer: CheckedContinuation<Void, Never>?
        var waitingProducer: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())
    let maxLines: Int
    let maxBytes: Int

    init(maxLines: Int, maxBytes: Int) {
        self.maxLines = maxLines
        self.maxBytes = maxBytes
    }

    /// Queues `line`; returns once there is room for more.
    func push(_ line: ParsedLine) async throws {
        try await withCheckedThrowingContinuation { (producer: CheckedContinuation<Void, any Error>) in
            let (consumer, full, closed) = state.withLock { state in
                guard !state.closed else { return (nil as CheckedContinuation<Void, Never>?, false, true) }
                state.lines.append(line)
                state.bytes += line.bytes
                let full = state.lines.count >= maxLines || state.bytes >= maxBytes
                if full { state.waitingProducer = producer }
                defer { state.waitingConsumer = nil }
                return (state.waitingConsumer, full, false)
            }
            consumer?.resume()
            if closed {
                producer.resume(throwing: CancellationError())
            } else if !full {
                producer.resume()
            }
        }
    }

    /// Ends the input: `nextBatch` hands out what is left, then returns nil (or throws `failure`).
    func finish(throwing failure: (any Error)?) {
        let consumer = state.withLock { state in
            state.finished = true
            state.failure = failure
            defer { state.waitingConsumer = nil }
            return state.waitingConsumer
        }
        consumer?.resume()
    }

    /// Stops taking lines: a waiting or later `push` throws `CancellationError`.
    func close() {
        let producer = state.withLock { state in
            state.closed = true
            state.lines = []
            state.bytes = 0
            defer { state.waitingProducer = nil }
            return state.waitingProducer
        }
        producer?.resume(throwing: CancellationError())
    }

    /// The lines waiting now, oldest first, at most `maxLines` of them and no more than
    /// `maxBytes` bytes (unless one line alone is larger); waits while none is waiting. Nil once
    /// the input is finished and every line handed out; the input's failure is thrown then.
    func nextBatch(maxLines batchLines: Int, maxBytes batchBytes: Int) async throws -> [ParsedLine]? {
        while true {
            let (batch, producer, done) = state.withLock { state in
                guard !state.lines.isEmpty else {
                    return ([ParsedLine](), nil as CheckedContinuation<Void, any Error>?, state.finished)
                }
                var count = 0
                var bytes = 0
                for line in state.lines.prefix(batchLines) {
                    if count > 0 && bytes + line.bytes > batchBytes { break }
                    count += 1
                    bytes += line.bytes
                }
                let batch = Array(state.lines.prefix(count))
                state.lines.removeFirst(count)
                state.bytes -= bytes
                defer { state.waitingProducer = nil }
                return (batch, state.waitingProducer, false)
            }
            producer?.resume()
            if !batch.isEmpty { return batch }
            if done {
                if let failure = state.withLock({ $0.failure }) { throw failure }
                return nil
            }
            await withCheckedContinuation { (consumer: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    guard state.lines.isEmpty && !state.finished else { return true }
                    state.waitingConsumer = consumer
                    return false
                }
                if ready { consumer.resume() }
            }
        }
    }
}
