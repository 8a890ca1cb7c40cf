import Foundation
import Synchronization

/// A logged change to server-wide state that belongs to no library (jobs, tenants). The record
/// carries the event it publishes, so the log can be read, and its events resumed, without the
/// component that owns the state.
struct ServerStateChange: Equatable, Sendable {
    /// The `ServerStateComponent.name` that applies the change.
    var component: String
    var at: Date
    var eventKind: ChangeEvent.Kind
    var eventData: [String: JSONValue]
    /// The component's own encoding of the change.
    var payload: [UInt8]
}

/// Server-wide durable state kept by the engine beside the libraries: a job table, a tenant
/// registry. The engine logs its changes in the write-ahead log (`Database.logServerChange`),
/// applies them here on first write and on replay alike, and stores `encodeSection` as the
/// snapshot section `server.<name>`.
///
/// Invariants: `apply` is deterministic (replay rebuilds exactly the state the first write
/// made) and is called once per change, in sequence order, never concurrently with itself or
/// `encodeSection`; `restore` is called at most once, before any `apply`.
public protocol ServerStateComponent: AnyObject, Sendable {
    /// Unique among components; names the log records and the snapshot section.
    var name: String { get }
    /// The version of the section `encodeSection` writes.
    var sectionVersion: UInt16 { get }
    /// Whether a release that does not know this component must refuse a snapshot holding it
    /// (true when losing the state would lose a user's data) rather than skip it.
    var sectionRequired: Bool { get }
    /// Applies one logged change (`payload` as given to `logServerChange`).
    func apply(_ payload: [UInt8], sequence: UInt64, at: Date) throws
    /// The component's whole state for a snapshot.
    func encodeSection() throws -> [UInt8]
    /// Loads the state a snapshot section holds; throws for a version it cannot read.
    func restore(_ bytes: [UInt8], version: UInt16) throws
}

/// One registered component with the sequence its state reflects, so snapshot and replay agree
/// on which changes it already holds. The mutex around that sequence also serializes the
/// component's changes (log, then apply) and its snapshot encoding.
final class ServerStateSlot: Sendable {
    let component: any ServerStateComponent
    let appliedThrough = Mutex<UInt64>(0)

    init(_ component: any ServerStateComponent) {
        self.component = component
    }
}

extension Database {
    /// Logs a change to the server-wide component `component`, applies it, and returns once it
    /// is durable with its sequence (also its event's). Changes to one component are applied in
    /// the order they are logged.
    @discardableResult
    public func logServerChange(
        component: String, payload: [UInt8], event kind: ChangeEvent.Kind, data: [String: JSONValue] = [:]
    ) async throws -> UInt64 {
        guard let slot = serverState[component] else {
            preconditionFailure("server state component '\(component)' is not registered")
        }
        let change = ServerStateChange(component: component, at: Date(), eventKind: kind, eventData: data, payload: payload)
        let sequence = try slot.appliedThrough.withLock { appliedThrough in
            let sequence = try journal.append(.serverState(change))
            try slot.component.apply(payload, sequence: sequence, at: change.at)
            appliedThrough = sequence
            return sequence
        }
        try await journal.waitUntilDurable(sequence)
        return sequence
    }

    /// Applies a replayed change unless the snapshot already holds it.
    func replayServerChange(_ change: ServerStateChange, sequence: UInt64) throws {
        guard let slot = serverState[change.component] else {
            throw EngineError.recoveryFailed(
                "WAL record \(sequence) changes server state '\(change.component)', which this build does not know; "
                    + "run the release that wrote it")
        }
        try slot.appliedThrough.withLock { appliedThrough in
            guard sequence > appliedThrough else { return }
            try slot.component.apply(change.payload, sequence: sequence, at: change.at)
            appliedThrough = sequence
        }
    }
}
