import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's connection set-up with `ConnectionWatchHandler` put first in each connection's
/// pipeline, so it sees every byte (and can refuse or cut a connection) before the HTTP layer.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let connections: ConnectionGuard

    /// Hummingbird adds its handlers synchronously here (some of them first in the pipeline), so
    /// the watch goes in front of them afterwards.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let value = inner.setup(channel: channel, logger: logger)
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionWatchHandler(connections: connections), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return value
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
