import Synchronization

/// A one-shot barrier: `wait()` suspends until `open()`; tests use it to hold an engine call mid-flight.
public final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// How many callers are parked at the gate.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    public func wait() async {
        await withCheckedContinuation { continuation in
            let (passes, watchers) = state.withLock { state in
                if state.open { return (true, [CheckedContinuation<Void, Never>]()) }
                state.waiters.append(continuation)
                let count = state.waiters.count
                var ready: [CheckedContinuation<Void, Never>] = []
                state.watchers.removeAll { watcher in
                    guard watcher.count <= count else { return false }
                    ready.append(watcher.continuation)
                    return true
                }
                return (false, ready)
            }
            if passes { continuation.resume() }
            for watcher in watchers { watcher.resume() }
        }
    }

    /// Returns once `count` callers are parked at the gate.
    public func waitForWaiters(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.waiters.count >= count || state.open { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { (state.waiters, state.watchers) = ([], []) }
            return state.waiters + state.watchers.map(\.continuation)
        }
        for waiter in waiters { waiter.resume() }
    }
}
