/// Callers waiting for a running count to reach their target. Kept inside its owner's lock; the owner
/// resumes the continuations it gets back after releasing the lock.
package struct CountWaiters {
    private var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []

    package init() {}

    package mutating func add(target: Int, _ continuation: CheckedContinuation<Void, Never>) {
        waiters.append((target, continuation))
    }

    /// Removes and returns the waiters whose target is at most `count`.
    package mutating func reached(_ count: Int) -> [CheckedContinuation<Void, Never>] {
        var ready: [CheckedContinuation<Void, Never>] = []
        waiters.removeAll { waiter in
            guard waiter.target <= count else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }

    /// Removes and returns every waiter.
    package mutating func removeAll() -> [CheckedContinuation<Void, Never>] {
        defer { waiters = [] }
        return waiters.map(\.continuation)
    }
}
