import Synchronization

/// One subscriber's pending updates, coalesced per session: a session has at most one update waiting (its
/// latest), in the order the sessions first changed. A slow reader therefore misses intermediate states but
/// never a session, and what waits is bounded by the number of sessions, however many updates come.
final class UpdateMailbox: Sendable {
    private struct State {
        /// Session keys with an update waiting, oldest first; `head` is the next to take.
        var order: [String] = []
        var head = 0
        var pending: [String: SessionUpdate] = [:]
        var reader: CheckedContinuation<SessionUpdate?, Never>?
        var finished = false

        mutating func take() -> SessionUpdate? {
            while head < order.count {
                let key = order[head]
                head += 1
                if let update = pending.removeValue(forKey: key) {
                    compact()
                    return update
                }
            }
            compact()
            return nil
        }

        /// Drops the keys already taken once they are half the array, so it never grows past twice the sessions.
        private mutating func compact() {
            if head == order.count {
                order.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64 && head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    private let state = Mutex(State())

    /// Adds an update, replacing the one waiting for the same session. An `.added` not yet read stays
    /// `.added` (with the newer snapshot): the reader has not been told about the session.
    func post(_ update: SessionUpdate) {
        let reader = state.withLock { (state: inout State) -> CheckedContinuation<SessionUpdate?, Never>? in
            guard !state.finished else { return nil }
            if let reader = state.reader {
                state.reader = nil
                return reader
            }
            var update = update
            if let waiting = state.pending[update.key] {
                if waiting.kind == .added && update.kind == .changed { update.kind = .added }
            } else {
                state.order.append(update.key)
            }
            state.pending[update.key] = update
            return nil
        }
        reader?.resume(returning: update)
    }

    /// The next update, waiting for one; nil once finished and drained, or when the reading task is cancelled.
    func next() async -> SessionUpdate? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { (state: inout State) -> SessionUpdate?? in
                    if let update = state.take() { return .some(update) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.reader = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Ends the mailbox: what is waiting is still read, then `next()` returns nil.
    func finish() {
        let reader = state.withLock { (state: inout State) -> CheckedContinuation<SessionUpdate?, Never>? in
            state.finished = true
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(returning: nil)
    }
}
