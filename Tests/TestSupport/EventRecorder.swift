import Lifecycle
import Synchronization

/// A listener that keeps every lifecycle event and lets a test await the n-th one.
package final class EventRecorder: LifecycleEventListener {
    private let state = Mutex<(events: [LifecycleEvent], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    package init() {}

    package func receive(_ event: LifecycleEvent) async {
        let ready = state.withLock { state in
            state.events.append(event)
            let count = state.events.count
            var ready: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.0 <= count else { return false }
                ready.append(waiter.1)
                return true
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    package var events: [LifecycleEvent] { state.withLock { $0.events } }
    package var types: [String] { events.map(\.type) }

    /// Returns the first `count` events once that many have arrived.
    @discardableResult
    package func waitFor(_ count: Int) async -> [LifecycleEvent] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.events.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
        return Array(events.prefix(count))
    }
}
