import Foundation
import Synchronization

/// What tests read and await: every request and message, and waits resumed on each request instead of sleeps.
extension SlackFake {
    /// The requests and messages at one moment.
    package struct Snapshot: Sendable {
        /// Every request, in arrival order.
        package var requests: [RecordedRequest]
        /// Every message, deleted ones included, in posting order.
        package var messages: [Message]

        /// The requests matching `filter`.
        package func requests(_ filter: RequestFilter) -> [RecordedRequest] { requests.filter(filter.matches) }

        /// The requests to one API method.
        package func requests(to method: String) -> [RecordedRequest] { requests.filter { $0.method == method } }

        /// The newest live message whose metadata carries `marker`.
        package func message(marker: String) -> Message? {
            messages.last { !$0.isDeleted && $0.payload("marker") == marker }
        }
    }

    /// A test waiting for a condition on the snapshot.
    struct Waiter {
        var id: Int
        var predicate: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    package var snapshot: Snapshot { state.withLock { $0.snapshot } }
    package var requests: [RecordedRequest] { snapshot.requests }
    package var messages: [Message] { snapshot.messages }

    /// The message `ts` of `channel`, deleted or not.
    package func message(channel: String, ts: String) -> Message? {
        state.withLock { $0.messages[State.MessageKey(channel: channel, ts: ts)] }
    }

    /// The message a poster's post id (`<channel>/<ts>`) names.
    package func message(postID: String) -> Message? {
        let parts = postID.split(separator: "/").map(String.init)
        guard parts.count == 2 else { return nil }
        return message(channel: parts[0], ts: parts[1])
    }

    /// The live messages of a channel, newest first.
    package func messages(in channel: String) -> [Message] { state.withLock { $0.liveMessages(in: channel) } }

    /// Waits until `predicate` holds for the snapshot (checked now and after each request's arrival and answer).
    /// False when `timeout` passed first or the task was cancelled. `predicate` runs under the fake's lock.
    @discardableResult
    package func waitFor(
        timeout: Duration = .seconds(30), _ predicate: @escaping @Sendable (Snapshot) -> Bool
    ) async -> Bool {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let expiry = Task { [self] in
            try await Task.sleep(for: timeout)
            expire(id)
        }
        defer { expiry.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let outcome = state.withLock { state -> Bool? in
                    if predicate(state.snapshot) { return true }
                    if state.expiredWaiters.remove(id) != nil { return false }
                    state.waiters.append(Waiter(id: id, predicate: predicate, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            expire(id)
        }
    }

    /// Waits until `count` answered requests went to `method`.
    @discardableResult
    package func waitForRequests(_ count: Int, to method: String, timeout: Duration = .seconds(30)) async -> Bool {
        await waitFor(timeout: timeout) { $0.requests(to: method).filter { $0.status != 0 }.count >= count }
    }

    /// Resumes every waiter whose condition now holds.
    func notifyWaiters() {
        let ready = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard !state.waiters.isEmpty else { return [] }
            let snapshot = state.snapshot
            var ready: [CheckedContinuation<Bool, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.predicate(snapshot) else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: true) }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                // The deadline came before the waiter was registered: it gives up as soon as it is.
                state.expiredWaiters.insert(id)
                return nil
            }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }
}

extension SlackFake.State {
    var snapshot: SlackFake.Snapshot {
        SlackFake.Snapshot(requests: requests, messages: order.compactMap { messages[$0] })
    }
}
