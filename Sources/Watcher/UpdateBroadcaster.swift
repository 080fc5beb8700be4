import Foundation
import Synchronization

/// Fans session updates out to subscribers, one bounded stream each, so a slow one never slows the others.
final class UpdateBroadcaster: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<SessionUpdate>.Continuation]>([:])
    private let bufferSize: Int

    init(bufferSize: Int) {
        self.bufferSize = bufferSize
    }

    /// A new stream of updates; when its buffer is full the oldest pending updates are dropped.
    func subscribe() -> AsyncStream<SessionUpdate> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: SessionUpdate.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    func publish(_ update: SessionUpdate) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(update) }
    }

    func finish() {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
