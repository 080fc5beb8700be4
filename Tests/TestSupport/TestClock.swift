import Synchronization
import Testing

/// A manual clock: time moves only when a test calls `advance(by:)`, and tests can await the moment a
/// timer has gone to sleep instead of sleeping themselves.
package final class TestClock: Clock, Sendable {
    /// A point on the test clock's timeline: the time since the clock was made.
    package struct Instant: InstantProtocol {
        package var offset: Duration

        package init(offset: Duration) {
            self.offset = offset
        }

        package func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())
    private let changes = ChangeSignal()

    package init() {}

    package var now: Instant { state.withLock { $0.now } }
    package var minimumResolution: Duration { .zero }

    package func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) } else { notifyWatchers() }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return Sleeper?.none
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
            notifyWatchers()
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    package func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
        notifyWatchers()
    }

    /// The deadlines of everything asleep on this clock.
    package var sleeperDeadlines: [Instant] { state.withLock { $0.sleepers.values.map(\.deadline) } }

    /// Returns once the sleepers satisfy `predicate` (checked now and on every change), or at once when the task
    /// is cancelled (a test's `.timeLimit`). Bounded: past `limit` the test fails at the caller's line.
    package func waitForSleepers(
        within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
        _ predicate: @escaping @Sendable ([Instant]) -> Bool
    ) async {
        _ = await changes.expect(within: limit, sourceLocation: sourceLocation) {
            predicate(sleeperDeadlines) ? () : nil
        }
    }

    /// Returns once something sleeps until exactly `deadline`.
    package func waitForSleeper(until deadline: Instant, sourceLocation: SourceLocation = #_sourceLocation) async {
        await waitForSleepers(sourceLocation: sourceLocation) { $0.contains(deadline) }
    }

    /// Returns once at least `count` tasks sleep on this clock.
    package func waitForSleepers(count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) async {
        await waitForSleepers(sourceLocation: sourceLocation) { $0.count >= count }
    }

    private func notifyWatchers() { changes.notify() }
}
