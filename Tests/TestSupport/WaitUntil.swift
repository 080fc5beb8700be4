import Synchronization

/// Yields until `condition` holds, for states reached by work already under way (no timers involved).
/// Bounded: one deadline per wait, checked on every turn; throws `WaitTimedOut` past `limit`, and
/// `CancellationError` as soon as the task is cancelled (a test's `.timeLimit` ends it).
package func waitUntil(
    within limit: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        try Task.checkCancellation()
        guard ContinuousClock.now < deadline else { throw WaitTimedOut(limit: limit) }
        await Task.yield()
    }
}

/// Whether `body` returns within `limit` of real time; for tests of the waits themselves, so a wait that
/// never ends fails the test instead of hanging it (a body that ignores cancellation is left behind).
package func finishes(within limit: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
    let outcome = FirstOutcome()
    return await withCheckedContinuation { continuation in
        outcome.set(continuation)
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            outcome.resume(returning: false)
        }
        Task {
            await body()
            timer.cancel()
            outcome.resume(returning: true)
        }
    }
}

/// A continuation resumed by whichever of two racers comes first.
private final class FirstOutcome: Sendable {
    private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(returning value: Bool) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}
