import Foundation
import Synchronization

/// What tests read and await: every request and post, and waits resumed on each request instead of sleeps.
extension MattermostFake {
    /// The requests and posts at one moment.
    public struct Snapshot: Sendable {
        /// Every request, in arrival order.
        public var requests: [RecordedRequest]
        /// Every post, deleted ones included, in creation order.
        public var posts: [Post]

        /// The newest live post whose message contains `text`.
        public func post(containing text: String) -> Post? {
            posts.last { !$0.isDeleted && $0.message.contains(text) }
        }

        /// The requests matching `filter`.
        public func requests(_ filter: RequestFilter) -> [RecordedRequest] { requests.filter(filter.matches) }
    }

    /// A test waiting for a condition on the snapshot.
    struct Waiter {
        var id: Int
        var predicate: @Sendable (Snapshot) -> Bool
        var continuation: CheckedContinuation<Bool, Never>
    }

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }
    public var requests: [RecordedRequest] { snapshot.requests }
    public var posts: [Post] { snapshot.posts }

    public func post(_ id: String) -> Post? { state.withLock { $0.posts[id] } }

    /// The live posts of a channel, newest first.
    public func posts(in channelID: String) -> [Post] { state.withLock { $0.livePosts(in: channelID) } }

    /// Adds a post as if someone had written it, without a request (to fill a channel quickly).
    @discardableResult
    public func insertPost(
        channelID: String, message: String, props: [String: MattermostFakeJSON] = [:], userID: String? = nil
    ) -> Post {
        state.withLock { state in
            state.insertPost(
                channelID: channelID, userID: userID ?? state.botUserID, rootID: "", message: message, props: props,
                pendingPostID: "", at: state.now(clock))
        }
    }

    /// Deletes a post as a user would (`DELETE /posts/{id}` without a request).
    public func deletePost(_ id: String) {
        state.withLock { state in _ = state.deletePost(id, at: state.now(clock)) }
    }

    /// Waits until `predicate` holds for the snapshot (checked now and after each request's arrival and answer).
    /// False when `timeout` passed first or the task was cancelled. `predicate` runs under the fake's lock: it must not call the fake.
    @discardableResult
    public func waitFor(
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
        // A cancelled task (a test's `.timeLimit`) gives up at once instead of at the deadline.
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

    /// Waits until `count` answered requests match `filter`.
    @discardableResult
    public func waitForRequests(
        _ count: Int, matching filter: RequestFilter = .any, timeout: Duration = .seconds(30)
    ) async -> Bool {
        await waitFor(timeout: timeout) { $0.requests(filter).filter { $0.status != 0 }.count >= count }
    }

    /// Waits for a live post whose message contains `text`; nil when `timeout` passed first.
    public func waitForPost(containing text: String, timeout: Duration = .seconds(30)) async -> Post? {
        guard await waitFor(timeout: timeout, { $0.post(containing: text) != nil }) else { return nil }
        return snapshot.post(containing: text)
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

extension MattermostFake.State {
    var snapshot: MattermostFake.Snapshot {
        MattermostFake.Snapshot(requests: requests, posts: posts.values.sorted { $0.sequence < $1.sequence })
    }
}
