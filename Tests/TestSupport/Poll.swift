import Foundation

/// Asks `condition` until it holds, pausing `interval` between asks, for at most `limit`: for state an engine
/// publishes no event for (a swarm task's node and state), where asking again is the only way to learn it.
/// Throws `PollTimedOut` naming `what` past the limit, and `CancellationError` when the task is cancelled.
package func poll(
    _ what: String, within limit: Duration = .seconds(60), every interval: Duration = .milliseconds(250),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw PollTimedOut(what: what, limit: limit) }
        try await Task.sleep(for: interval)
    }
}

/// A polled condition did not hold within its limit.
package struct PollTimedOut: Error, CustomStringConvertible {
    package let what: String
    package let limit: Duration

    package var description: String { "\(what): not within \(limit)" }
}
