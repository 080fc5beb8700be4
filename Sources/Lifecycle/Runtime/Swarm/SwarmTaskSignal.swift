import Synchronization

/// Says "a task of this service may have changed" to whoever polls its tasks. Swarm has no task events, but the
/// engines Dormouse reaches emit container events for the tasks they run (a `start`, a `health_status`, a `die`,
/// carrying the service's id as a label): each one makes a waiting poll read the tasks at once instead of at its
/// next tick, so a wake on a node Dormouse sees is not held back by the poll interval.
package final class SwarmTaskSignal: Sendable {
    private struct State {
        var generation = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    /// How many changes have been signalled so far; pass it to `wait` to wait for the next.
    package var generation: Int { state.withLock { $0.generation } }

    /// Something changed: wakes every waiter.
    package func fire() {
        let waiters = state.withLock { state in
            state.generation += 1
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns after `interval` on `clock`, or earlier once a change after `seen` is signalled (at once when one
    /// already was); cancellation ends the wait too. Returns whether a change cut it short.
    @discardableResult
    package func wait(after seen: Int, atMost interval: Duration, clock: any Clock<Duration>) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await clock.sleep(for: interval)
                return false
            }
            group.addTask {
                await self.changed(after: seen)
                return !Task.isCancelled
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Returns once the generation is past `seen`, or the task is cancelled.
    private func changed(after seen: Int) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != seen || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

extension SwarmTaskSignal {
    /// How long a task poll waits next. A container event usually comes a moment before the manager has the task's
    /// new state (the node reports it a little later), so after one the poll reads every `quickInterval` for a few
    /// reads, then goes back to `interval`.
    package struct Pace: Sendable {
        let interval: Duration
        let quickInterval: Duration
        let quickReads: Int
        private var quickLeft = 0

        package init(interval: Duration, quickInterval: Duration = .milliseconds(10), quickReads: Int = 20) {
            self.interval = interval
            self.quickInterval = min(quickInterval, interval)
            self.quickReads = quickReads
        }

        /// Waits on `signal` for the next read; returns whether a change (not the interval) ended the wait.
        @discardableResult
        package mutating func wait(
            on signal: SwarmTaskSignal, after seen: Int, clock: any Clock<Duration>
        ) async -> Bool {
            let next = quickLeft > 0 ? quickInterval : interval
            quickLeft = max(0, quickLeft - 1)
            let signalled = await signal.wait(after: seen, atMost: next, clock: clock)
            if signalled { quickLeft = quickReads }
            return signalled
        }
    }
}
