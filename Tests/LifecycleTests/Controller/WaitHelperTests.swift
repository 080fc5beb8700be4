import Synchronization
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

    @Test func aChangeWaitThatCannotBeSatisfiedFailsWithinItsBound() async {
        let signal = ChangeSignal()
        let ended = await finishes(within: .seconds(10)) {
            await #expect(throws: WaitTimedOut.self) {
                try await signal.wait(within: .milliseconds(50)) { Int?.none }
            }
        }
        #expect(ended)
    }

    @Test func aChangeWaitEndsWhenItsTaskIsCancelled() async {
        let signal = ChangeSignal()
        let ended = await finishes(within: .seconds(10)) {
            let waiting = Task { try await signal.wait(within: .seconds(3_600)) { Int?.none } }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
        }
        #expect(ended)
    }

    @Test func aChangeWaitReturnsOnceANotifiedChangeSatisfiesIt() async throws {
        let signal = ChangeSignal()
        let cell = Cell()
        async let found = signal.wait { cell.value.withLock { $0 } }
        cell.value.withLock { $0 = 7 }
        signal.notify()
        #expect(try await found == 7)
    }

    @Test func anEventWaitThatCannotBeSatisfiedFailsTheTestWithinItsBound() async {
        let recorder = EventRecorder()
        let ended = await finishes(within: .seconds(10)) {
            await withKnownIssue {
                #expect(await recorder.waitFor(1, within: .milliseconds(50)).isEmpty)
            }
        }
        #expect(ended)
    }

    @Test func aSleeperWaitThatCannotBeSatisfiedFailsTheTestWithinItsBound() async {
        let clock = TestClock()
        let ended = await finishes(within: .seconds(10)) {
            await withKnownIssue { await clock.waitForSleepers(within: .milliseconds(50)) { _ in false } }
        }
        #expect(ended)
    }
}

/// A value shared with a waiting task.
private final class Cell: Sendable {
    let value = Mutex<Int?>(nil)
}
