import ArrwEngine
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The webhooks and their deliveries. Each active webhook has one worker task that follows the
/// event log from the webhook's `deliveredThrough` (`Database.subscribe(since:)`, which reads
/// the write-ahead log when memory no longer holds the events), sends each matching event in
/// sequence order (`WebhookSender`, retrying), then moves `deliveredThrough` past it. So a
/// webhook's receiver only ever delays its own webhook, never a write or another webhook; one
/// that falls further behind than its queue is resubscribed from its position.
///
/// Snapshots keep the write-ahead log after the lowest active webhook's position
/// (`Database.retainLog`), so an outage of any length loses nothing; a paused webhook holds
/// nothing back. Positions are saved (`WebhookStore`) at most every `checkpointInterval` while delivering
/// (on a queue of their own, so a worker never waits for the disk), on every change of a webhook and
/// at shutdown; saves take the registry as it is when they start and run one at a time, so the file
/// never goes back to an older registry. After a crash the events since the last save are sent again: delivery is at least once, and such re-sent events are marked
/// `possible_duplicate` in the deliveries list. Runs as a service of the application.
final class WebhookDispatcher: Service, Sendable {
    static let checkpointInterval: Duration = .milliseconds(200)
    /// Deliveries kept per webhook for `GET .../deliveries`, newest first.
    static let deliveriesKept = 100

    let database: Database
    let sender: WebhookSender
    let store: WebhookStore
    let allowedHosts: [String]
    let queueLimit: Int
    let logger: Logger
    private let state: Mutex<State>
    /// Held while a save takes the registry and writes it, so saves reach the file in order.
    private let saving = Mutex(())
    /// Runs the delivery checkpoints, off the workers' threads.
    private let checkpoints = DispatchQueue(label: "arrwdb.webhooks.checkpoint")

    struct Statistics {
        var delivered = 0
        var failed = 0
        var retries = 0
        var lastError: String?
        var lastDeliveryAt: Date?
    }

    private struct State {
        var webhooks: [String: Webhook] = [:]
        var workers: [String: Task<Void, Never>] = [:]
        var deliveries: [String: [WebhookDelivery]] = [:]
        var statistics: [String: Statistics] = [:]
        /// For each webhook loaded from the file, the log's last sequence at start-up: events
        /// after its saved position up to this one may have been sent before a crash.
        var resendUpTo: [String: UInt64] = [:]
        var running = false
        var lastSave = ContinuousClock.now
        var checkpointQueued = false
    }

    init(database: Database, client: HTTPClient, dataDirectory: String?, allowedHosts: [String], queueLimit: Int, logger: Logger) throws {
        self.database = database
        sender = WebhookSender(client: client)
        store = WebhookStore(path: dataDirectory.map { $0 + "/webhooks.json" })
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
        self.queueLimit = queueLimit
        self.logger = logger
        let loaded = try store.load()
        state = Mutex(State(
            webhooks: Dictionary(uniqueKeysWithValues: loaded.map { ($0.id, $0) }),
            resendUpTo: Dictionary(uniqueKeysWithValues: loaded.map { ($0.id, database.events.lastSequence) })))
        database.retainLog { [weak self] in self?.lowestActivePosition }
    }

    /// The lowest position of an active webhook: the log after it must outlive snapshots.
    var lowestActivePosition: UInt64? {
        state.withLock { $0.webhooks.values.filter(\.active).map(\.deliveredThrough).min() }
    }

    func run() async throws {
        let active = state.withLock { state in
            state.running = true
            return state.webhooks.values.filter(\.active).map(\.id)
        }
        for id in active { startWorker(id) }
        try? await gracefulShutdown()
        let workers = state.withLock { state in
            state.running = false
            defer { state.workers = [:] }
            return Array(state.workers.values)
        }
        for worker in workers { worker.cancel() }
        for worker in workers { await worker.value }
        try? save()
    }

    // MARK: The registry

    var all: [Webhook] { state.withLock { $0.webhooks.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } } }

    func webhook(_ id: String) throws -> Webhook {
        guard let webhook = state.withLock({ $0.webhooks[id.lowercased()] }) else { throw Self.notFound(id) }
        return webhook
    }

    func add(_ webhook: Webhook) throws {
        state.withLock { $0.webhooks[webhook.id] = webhook }
        try save()
        if webhook.active { startWorker(webhook.id) }
    }

    /// Replaces a webhook's settings (its position kept) and restarts its worker.
    func replace(_ webhook: Webhook) throws {
        stopWorker(webhook.id)
        try state.withLock { state in
            guard let current = state.webhooks[webhook.id] else { throw Self.notFound(webhook.id) }
            var updated = webhook
            updated.deliveredThrough = current.deliveredThrough
            state.webhooks[webhook.id] = updated
        }
        try save()
        if webhook.active { startWorker(webhook.id) }
    }

    func remove(_ id: String) throws {
        let id = id.lowercased()
        stopWorker(id)
        try state.withLock { state in
            guard state.webhooks.removeValue(forKey: id) != nil else { throw Self.notFound(id) }
            state.deliveries[id] = nil
            state.statistics[id] = nil
        }
        try save()
    }

    func deliveries(_ id: String) throws -> [WebhookDelivery] {
        _ = try webhook(id)
        return state.withLock { $0.deliveries[id.lowercased()] ?? [] }
    }

    func statistics(_ id: String) throws -> (Webhook, Statistics) {
        let webhook = try webhook(id)
        return (webhook, state.withLock { $0.statistics[webhook.id] ?? Statistics() })
    }

    static func notFound(_ id: String) -> EngineError {
        EngineError(ServerErrorCode.webhookNotFound, message: "no webhook has id '\(id)'", details: ["webhook_id": .string(id)])
    }

    // MARK: Delivery

    private func startWorker(_ id: String) {
        state.withLock { state in
            guard state.running, state.workers[id] == nil else { return }
            state.workers[id] = Task { await self.deliverEvents(of: id) }
        }
    }

    private func stopWorker(_ id: String) {
        guard let worker = state.withLock({ $0.workers.removeValue(forKey: id) }) else { return }
        worker.cancel()
    }

    /// For a tenant's webhook, a test that a library is that tenant's; nil for the admin's.
    private func ownerFilter(_ tenantId: String?) -> (@Sendable (UUID) -> Bool)? {
        guard let tenantId else { return nil }
        let database = database
        return { database.owner(ofLibrary: $0) == tenantId }
    }

    /// Follows the log for webhook `id` until cancelled.
    private func deliverEvents(of id: String) async {
        while !Task.isCancelled {
            guard let webhook = state.withLock({ $0.webhooks[id] }) else { return }
            do {
                let kinds = try Webhook.kinds(webhook.events)
                let filter = EventFilter(
                    libraryId: webhook.libraryId.flatMap(UUID.init(uuidString:)), kinds: kinds, libraries: ownerFilter(webhook.tenantId))
                let subscription = try database.subscribe(filter: filter, since: webhook.deliveredThrough, queueLimit: queueLimit)
                defer { subscription.cancel() }
                for try await event in subscription {
                    guard let current = state.withLock({ $0.webhooks[id] }) else { return }
                    let duplicate = event.sequence <= state.withLock { $0.resendUpTo[id] ?? 0 }
                    guard let delivery = await sender.send(event, to: current, possibleDuplicate: duplicate, onRetry: { [self] in
                        state.withLock { $0.statistics[id, default: Statistics()].retries += 1 }
                    }) else { return }
                    record(delivery, for: id, advancing: event.isChange ? event.sequence : nil)
                }
                return
            } catch is CancellationError {
                return
            } catch let end as SubscriptionEnd {
                logger.info("webhook fell behind its queue; resubscribing from its position", metadata: ["webhook_id": "\(id)", "reason": "\(end)"])
            } catch let error as EngineError where error.code == EngineError.Code.resumePointExpired.rawValue {
                // The log no longer holds the events after its position: note the gap and go on from now.
                logger.error("webhook events lost to log retention", metadata: ["webhook_id": "\(id)", "error": "\(error.message)"])
                state.withLock { state in
                    state.statistics[id, default: Statistics()].lastError = "events after \(webhook.deliveredThrough) are no longer kept: \(error.message)"
                    state.webhooks[id]?.deliveredThrough = database.events.lastSequence
                }
            } catch {
                logger.error("webhook delivery stopped; retrying in a second", metadata: ["webhook_id": "\(id)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Notes a delivery, moves the position past `sequence` (nil: a live-only event, no
    /// position) and saves positions when the last save is old enough.
    private func record(_ delivery: WebhookDelivery, for id: String, advancing sequence: UInt64?) {
        state.withLock { state in
            var statistics = state.statistics[id, default: Statistics()]
            if delivery.delivered { statistics.delivered += 1 } else {
                statistics.failed += 1
                statistics.lastError = delivery.error
            }
            statistics.lastDeliveryAt = delivery.at
            state.statistics[id] = statistics
            var list = state.deliveries[id, default: []]
            list.insert(delivery, at: 0)
            if list.count > Self.deliveriesKept { list.removeLast(list.count - Self.deliveriesKept) }
            state.deliveries[id] = list
            if let sequence { state.webhooks[id]?.deliveredThrough = sequence }
            guard !state.checkpointQueued, ContinuousClock.now - state.lastSave >= Self.checkpointInterval else { return }
            state.checkpointQueued = true
            checkpoints.async { [self] in
                self.state.withLock { state in
                    state.checkpointQueued = false
                    state.lastSave = ContinuousClock.now
                }
                do { try save() } catch {
                    logger.error("cannot save webhook positions", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Saves every webhook with its position, as the registry is now.
    func save() throws {
        try saving.withLock { _ in try store.save(state.withLock { Array($0.webhooks.values) }) }
    }

    /// Sends one test event to webhook `id` now, without retries, and answers how it went.
    func test(_ id: String) async throws -> WebhookDelivery {
        var webhook = try webhook(id)
        webhook.maxRetries = 0
        let event = ChangeEvent(
            sequence: database.events.lastSequence, kind: ChangeEvent.Kind(rawValue: "webhook.test"), libraryId: nil, timestamp: Date(),
            data: ["webhook_id": .string(webhook.id), "message": .string("a test event from arrwDB")])
        guard let delivery = await sender.send(event, to: webhook, possibleDuplicate: false, onRetry: {}) else { throw CancellationError() }
        return delivery
    }
}
