import ArrwEngine
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// POSTs one event to one webhook: the event's JSON as the body, signed
/// `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body with the webhook's secret>`, with
/// `X-Webhook-ID`, `X-Event-ID` (the sequence) and `X-Event-Type`; a 2xx answer within
/// `timeout_seconds` delivers it. Otherwise it is sent again after `retry_delay_seconds · 2^n`
/// (n = 0, 1, …; times a random 0.5–1, at most an hour) up to `max_retries` more times.
struct WebhookSender: Sendable {
    let client: HTTPClient

    static func signature(of body: [UInt8], secret: String) -> String {
        "sha256=" + hex(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))))
    }

    /// `bytes` as lower-case hexadecimal, two digits a byte.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The delivery of `event`, after every retry it needed; nil when cancelled first (the
    /// event is then neither delivered nor given up, and is sent again when delivery resumes).
    func send(_ event: ChangeEvent, to webhook: Webhook, possibleDuplicate: Bool, onRetry: @Sendable () -> Void) async -> WebhookDelivery? {
        let body = APIResponse.event(event).jsonBytes
        let start = ContinuousClock.now
        var lastError: String?
        var lastStatus: Int?
        for attempt in 0...webhook.maxRetries {
            if Task.isCancelled { return nil }
            var request = HTTPClientRequest(url: webhook.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "arrwDB-webhooks/\(ArrwServer.version)")
            request.headers.add(name: "X-Webhook-Signature", value: Self.signature(of: body, secret: webhook.secret))
            request.headers.add(name: "X-Webhook-ID", value: webhook.id)
            request.headers.add(name: "X-Event-ID", value: String(event.sequence))
            request.headers.add(name: "X-Event-Type", value: event.kind.rawValue)
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(webhook.timeoutSeconds * 1000)))
                _ = try? await response.body.collect(upTo: 1 << 16)
                lastStatus = Int(response.status.code)
                if (200..<300).contains(response.status.code) {
                    return WebhookDelivery(
                        sequence: event.sequence, eventType: event.kind.rawValue, delivered: true, attempts: attempt + 1,
                        statusCode: lastStatus, error: nil, at: Date(), durationMs: APIResponse.milliseconds(since: start),
                        possibleDuplicate: possibleDuplicate)
                }
                lastError = "the receiver answered \(response.status.code)"
            } catch {
                lastStatus = nil
                lastError = "\(error)"
            }
            guard attempt < webhook.maxRetries else { break }
            onRetry()
            let delay = min(3600, webhook.retryDelaySeconds * pow(2, Double(attempt)) * Double.random(in: 0.5...1))
            do { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) } catch { return nil }
        }
        return WebhookDelivery(
            sequence: event.sequence, eventType: event.kind.rawValue, delivered: false, attempts: webhook.maxRetries + 1,
            statusCode: lastStatus, error: lastError, at: Date(), durationMs: APIResponse.milliseconds(since: start),
            possibleDuplicate: possibleDuplicate)
    }
}
