import ArrwEmbedding
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// How a remote embedding provider is called: each attempt's timeout, how many attempts, the
/// backoff between them, and how many calls may be in flight at once.
public struct RemoteCallPolicy: Sendable {
    public var timeout: Duration = .seconds(30)
    public var maxAttempts = 5
    /// The first retry waits a random time up to this; each later one up to twice the last.
    public var initialBackoff: Duration = .milliseconds(250)
    public var maxBackoff: Duration = .seconds(20)
    /// The longest `Retry-After` honoured; a longer one is waited this long.
    public var maxRetryAfter: Duration = .seconds(60)
    public var maxConcurrentCalls = 8

    public init() {}
}

/// What a remote provider has done, for `/health/detailed` and `/metrics`: calls made (each
/// attempt counts), retries among them, failures that reached the caller, the last success
/// and the last error.
public final class RemoteCallStatistics: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var attempts = 0
        public var retries = 0
        public var failures = 0
        public var lastSuccess: Date?
        public var lastError: String?
        public var lastErrorAt: Date?
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func attempted(retry: Bool) { state.withLock { $0.attempts += 1; if retry { $0.retries += 1 } } }
    func succeeded() { state.withLock { $0.lastSuccess = Date() } }
    func failed(_ message: String) {
        state.withLock {
            $0.failures += 1
            $0.lastError = message
            $0.lastErrorAt = Date()
        }
    }
}

/// A provider that calls a remote service and keeps `RemoteCallStatistics` of it.
public protocol RemoteProvider: Sendable {
    var statistics: RemoteCallStatistics { get }
}

/// POSTs JSON to a remote provider under a `RemoteCallPolicy`: a bounded number of calls in
/// flight, a timeout per attempt, and retries with exponential backoff and full jitter on 429,
/// 5xx, timeouts and connection failures, waiting `Retry-After` when the answer gives one.
/// 401/403 and any other 4xx are final. Returns the body of the 200 answer; a failure is an
/// `EmbeddingError` of the fitting kind whose message names `service` and what went wrong.
final class RemoteJSONCaller: Sendable {
    let service: String
    let policy: RemoteCallPolicy
    let statistics = RemoteCallStatistics()
    private let permits: CallPermits
    private let client: HTTPClient

    init(service: String, policy: RemoteCallPolicy, client: HTTPClient) {
        self.service = service
        self.policy = policy
        self.client = client
        permits = CallPermits(limit: policy.maxConcurrentCalls)
    }

    func post(_ url: String, headers: [(String, String)], body: [String: Any]) async throws -> [UInt8] {
        let payload = try JSONSerialization.data(withJSONObject: body)
        var backoff = policy.initialBackoff
        var lastError = EmbeddingError("\(service) was not called", kind: .unreachable)
        for attempt in 1...max(1, policy.maxAttempts) {
            statistics.attempted(retry: attempt > 1)
            if attempt > 1 { EmbeddingCallTally.current?.countRetry() }
            let wait: Duration?
            switch await attemptOnce(url, headers: headers, payload: payload) {
            case .success(let bytes):
                statistics.succeeded()
                return bytes
            case .failure(.final(let error)):
                statistics.failed(error.message)
                throw error
            case .failure(.retryable(let error, let retryAfter)):
                lastError = error
                wait = retryAfter.map { min($0, policy.maxRetryAfter) }
            }
            guard attempt < policy.maxAttempts else { break }
            let jittered = Duration.nanoseconds(Int64.random(in: 0...max(1, backoff.nanoseconds)))
            try await Task.sleep(for: wait ?? jittered)
            backoff = min(backoff * 2, policy.maxBackoff)
        }
        lastError.message += " (after \(policy.maxAttempts) attempts)"
        statistics.failed(lastError.message)
        throw lastError
    }

    /// Why one attempt did not succeed.
    enum AttemptFailure: Error {
        case final(EmbeddingError)
        case retryable(EmbeddingError, retryAfter: Duration?)
    }

    private func attemptOnce(_ url: String, headers: [(String, String)], payload: Data) async -> Result<[UInt8], AttemptFailure> {
        await permits.acquire()
        defer { permits.release() }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: payload))
        let status: HTTPResponseStatus
        let retryAfter: String?
        let bytes: [UInt8]
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(policy.timeout.nanoseconds))
            status = response.status
            retryAfter = response.headers.first(name: "Retry-After")
            bytes = Array(buffer: try await response.body.collect(upTo: 256 * 1024 * 1024))
        } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
            return .failure(.retryable(EmbeddingError("\(service) did not answer within \(policy.timeout)", kind: .timedOut), retryAfter: nil))
        } catch {
            return .failure(.retryable(EmbeddingError("\(service) is unreachable: \(error)", kind: .unreachable), retryAfter: nil))
        }
        if status == .ok { return .success(bytes) }
        let message = "\(service) answered \(status.code): \(Self.message(bytes))"
        switch status.code {
        case 429, 500...599:
            return .failure(.retryable(EmbeddingError(message, kind: .unreachable), retryAfter: retryAfter.flatMap(Self.seconds)))
        case 401, 403:
            return .failure(.final(EmbeddingError(message, kind: .credentialsRejected)))
        default:
            return .failure(.final(EmbeddingError(message, kind: Self.namesUnknownModel(message) ? .unknownModel : .rejected)))
        }
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by these services).
    static func seconds(_ header: String) -> Duration? {
        Double(header.trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 && $0.isFinite ? .milliseconds(Int64($0 * 1000)) : nil }
    }

    /// Whether a refusal is about the model: OpenAI answers 404 `model_not_found`, Cohere a 400
    /// or 404 saying the model was not found.
    static func namesUnknownModel(_ message: String) -> Bool {
        let text = message.lowercased().replacingOccurrences(of: "_", with: " ")
        return text.contains("model") && (text.contains("not found") || text.contains("does not exist") || text.contains("unknown"))
    }

    /// The service's error message: `message`, or OpenAI's `error.message`, or the body's start.
    static func message(_ bytes: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
            if let message = object["message"] as? String { return message }
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return (error["code"] as? String).map { "\(message) (\($0))" } ?? message
            }
            if let error = object["error"] as? String { return error }
        }
        return String(decoding: bytes.prefix(200), as: UTF8.self)
    }
}

/// A counting semaphore for async callers: at most `limit` hold a permit at once; the others
/// wait in order.
final class CallPermits: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(limit: Int) {
        state = Mutex(State(available: max(1, limit)))
    }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
