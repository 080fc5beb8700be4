import TestSupport
import Testing

/// The test kit's waits end: at their limit, or as soon as the waiting task is cancelled (so a test's
/// `.timeLimit` ends a wait instead of leaving the test hanging).
@Suite("Wait helpers")
struct WaitHelperTests {
    @Test func waitUntilGivesUpAtItsLimit() async {
        let ended = await finishes(within: .seconds(10)) {
            await #expect(throws: WaitTimedOut.self) { try await waitUntil(within: .milliseconds(50)) { false } }
        }
        #expect(ended)
    }

    @Test func waitUntilEndsWhenItsTaskIsCancelled() async {
        let ended = await finishes(within: .seconds(10)) {
            let waiting = Task { try await waitUntil(within: .seconds(3_600)) { false } }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
        }
        #expect(ended)
    }

    @Test func waitUntilReturnsOnceTheConditionHolds() async throws {
        var turns = 0
        try await waitUntil {
            turns += 1
            return turns >= 3
        }
        #expect(turns == 3)
    }

    @Test func aCancelledSleeperWaitOnTheTestClockEnds() async {
        let clock = TestClock()
        let ended = await finishes(within: .seconds(10)) {
            let waiting = Task { await clock.waitForSleepers(count: 1) }
            await Task.yield()
            waiting.cancel()
            await waiting.value
        }
        #expect(ended)
        #expect(clock.sleeperDeadlines.isEmpty)
    }
}
