import Foundation
import Synchronization

/// Fans session updates out to subscribers, one coalescing mailbox each, so a slow one never slows the
/// others and never loses a session (it gets each session's latest update instead of every one).
final class UpdateBroadcaster: Sendable {
    private let subscribers = Mutex<[UUID: UpdateMailbox]>([:])

    /// A new stream of updates; it ends when the broadcaster finishes or the reading task is cancelled.
    func subscribe() -> AsyncStream<SessionUpdate> {
        let mailbox = UpdateMailbox()
        let id = UUID()
        subscribers.withLock { $0[id] = mailbox }
        return AsyncStream(
            unfolding: { [weak self] in
                guard let update = await mailbox.next() else {
                    self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
                    return nil
                }
                return update
            },
            onCancel: { [weak self] in
                mailbox.finish()
                self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
            })
    }

    func publish(_ update: SessionUpdate) {
        for mailbox in subscribers.withLock({ Array($0.values) }) { mailbox.post(update) }
    }

    func finish() {
        for mailbox in subscribers.withLock({ Array($0.values) }) { mailbox.finish() }
    }
}
