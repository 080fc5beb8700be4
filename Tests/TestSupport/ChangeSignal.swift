import Synchronization
import Testing

/// Lets tests await a condition on state that changes by events (a recorder's list, a clock's sleepers): the
/// owner calls `notify()` after each change, a wait re-checks its condition then. A wait has one deadline for
/// its whole length (no fresh timer per change), throws `WaitTimedOut` past it, and ends at once when its task
/// is cancelled (a test's `.timeLimit`).
package final class ChangeSignal: Sendable {
    private struct State {
        var generation = 0
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits cancelled before they registered: they return as soon as they do.
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Wakes every wait, to check its condition again; call it after each change of the state they read.
    package func notify() {
        let waiters = state.withLock { state in
            state.generation += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The value `condition` returns once it is not nil, checked now and after each change.
    /// - Throws: `WaitTimedOut` when it is still nil after `limit`; `CancellationError` when the task is cancelled.
    package func wait<T>(within limit: Duration = .seconds(30), for condition: () throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while true {
            let generation = state.withLock { $0.generation }
            if let value = try condition() { return value }
            try Task.checkCancellation()
            guard ContinuousClock.now < deadline else { throw WaitTimedOut(limit: limit) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.change(after: generation) }
                group.addTask { try await Task.sleep(until: deadline, clock: .continuous) }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    /// `wait`, for helpers that do not throw: a timeout is recorded as a test failure at `sourceLocation` (the
    /// helper's caller), and nil returned, as it is when the task is cancelled.
    package func expect<T>(
        within limit: Duration = .seconds(30), sourceLocation: SourceLocation, for condition: () -> T?
    ) async -> T? {
        do {
            return try await wait(within: limit, for: condition)
        } catch let timeout as WaitTimedOut {
            Issue.record(timeout, sourceLocation: sourceLocation)
            return nil
        } catch {
            return nil
        }
    }

    /// Returns after the next change (at once if one came since `generation`), or when the task is cancelled.
    private func change(after generation: Int) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    if state.generation != generation || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return CheckedContinuation<Void, Never>?.none
                }
                return waiter
            }
            waiter?.resume()
        }
    }
}
