import Synchronization

/// A one-shot barrier: `wait()` suspends until `open()`; tests use it to hold an engine call mid-flight.
public final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// How many callers are parked at the gate.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    public func wait() async {
        await withCheckedContinuation { continuation in
            let passes = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if passes { continuation.resume() }
        }
    }

    public func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
