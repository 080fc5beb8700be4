import Synchronization

/// The host-wide memory budget of the warm tier: the paused workers of every instance and the memory they hold,
/// and which of them to stop so the total stays within the limit, least recently used first.
///
/// The instance controllers share one budget; its calls are synchronous (a lock, nothing awaits), and it does no
/// I/O: the caller reads a worker's memory (`WorkerBackend.memoryUsage`) and stops the workers it is told to.
/// `Instant` is the controllers' clock's (`ContinuousClock.Instant` when serving, a test clock's in tests).
package final class WarmMemoryBudget<Instant: InstantProtocol>: Sendable {
    /// A paused worker as the budget counts it.
    package struct Entry: Sendable, Hashable {
        package var instance: String
        package var bytes: UInt64
        /// When its last task ended.
        package var lastUsed: Instant

        package init(instance: String, bytes: UInt64, lastUsed: Instant) {
            self.instance = instance
            self.bytes = bytes
            self.lastUsed = lastUsed
        }
    }

    private struct Paused {
        var bytes: UInt64
        var lastUsed: Instant
        /// The order of `paused` calls, which settles equal `lastUsed` instants: the earlier paused goes first.
        var sequence: UInt64
    }

    private struct State {
        var paused: [String: Paused] = [:]
        var totalBytes: UInt64 = 0
        var nextSequence: UInt64 = 0
    }

    /// The most paused workers may hold together, in bytes; nil for no limit. 0 keeps nothing that holds memory
    /// paused: every worker is returned to be stopped as soon as it is recorded.
    package let limitBytes: UInt64?
    private let state = Mutex(State())

    package init(limitBytes: UInt64?) {
        self.limitBytes = limitBytes
    }

    /// Records `instance`'s paused worker (replacing an earlier record of it) and returns the instances whose
    /// workers to stop now so the total is within the limit (a total equal to it stays), least recently used
    /// first; they leave the tally. The worker just paused is one of them when it is the least recently used.
    /// A worker alone larger than the limit is returned by itself: stopping others would not make it fit.
    package func paused(_ instance: String, bytes: UInt64, lastUsed: Instant) -> [String] {
        state.withLock { state in
            Self.remove(instance, from: &state)
            if let limitBytes, bytes > limitBytes { return [instance] }
            state.paused[instance] = Paused(bytes: bytes, lastUsed: lastUsed, sequence: state.nextSequence)
            state.nextSequence += 1
            state.totalBytes += bytes
            guard let limitBytes, state.totalBytes > limitBytes else { return [] }
            var evicted: [String] = []
            for entry in Self.leastRecentlyUsedFirst(state.paused) where state.totalBytes > limitBytes {
                Self.remove(entry.key, from: &state)
                evicted.append(entry.key)
            }
            return evicted
        }
    }

    /// The instance's worker is no longer paused (resumed, stopped or removed); a worker not counted is ignored.
    package func left(_ instance: String) {
        state.withLock { Self.remove(instance, from: &$0) }
    }

    /// The memory the paused workers hold together, in bytes.
    package var totalBytes: UInt64 { state.withLock { $0.totalBytes } }

    /// The paused workers counted, least recently used (the next to be stopped) first.
    package var entries: [Entry] {
        state.withLock { state in
            Self.leastRecentlyUsedFirst(state.paused).map {
                Entry(instance: $0.key, bytes: $0.value.bytes, lastUsed: $0.value.lastUsed)
            }
        }
    }

    private static func remove(_ instance: String, from state: inout State) {
        guard let removed = state.paused.removeValue(forKey: instance) else { return }
        state.totalBytes -= removed.bytes
    }

    private static func leastRecentlyUsedFirst(_ paused: [String: Paused]) -> [(key: String, value: Paused)] {
        paused.sorted { ($0.value.lastUsed, $0.value.sequence) < ($1.value.lastUsed, $1.value.sequence) }
    }
}
