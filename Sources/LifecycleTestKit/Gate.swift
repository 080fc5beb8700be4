import Lifecycle
import Synchronization

/// A one-shot barrier: `wait()` suspends until `open()`; tests use it to hold an engine call mid-flight.
package final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var watchers = CountWaiters()
    }

    private let state = Mutex(State())

    package init() {}

    package func wait() async {
        await withCheckedContinuation { continuation in
            let (passes, watchers) = state.withLock { state in
                if state.open { return (true, [CheckedContinuation<Void, Never>]()) }
                state.waiters.append(continuation)
                return (false, state.watchers.reached(state.waiters.count))
            }
            if passes { continuation.resume() }
            for watcher in watchers { watcher.resume() }
        }
    }

    /// Returns once `count` callers are parked at the gate.
    package func waitForWaiters(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.waiters.count >= count || state.open { return true }
                state.watchers.add(target: count, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    package func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters + state.watchers.removeAll()
        }
        for waiter in waiters { waiter.resume() }
    }
}
