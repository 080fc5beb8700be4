import TestSupport
import Testing

/// The Watcher tests' waits end at their own timeout, and at once when the waiting task is cancelled.
@Suite("Watcher wait helpers")
struct WatcherWaitHelperTests {
    @Test func anUpdateWaitGivesUpAtItsTimeout() async {
        let recorder = UpdateRecorder()
        let ended = await finishes(within: .seconds(10)) {
            #expect(await recorder.first(timeout: .milliseconds(50)) { _ in true } == nil)
            #expect(await recorder.waitFor(1, of: "a", timeout: .milliseconds(50)) == false)
        }
        #expect(ended)
    }

    @Test func aCancelledUpdateWaitEndsAtOnce() async {
        let recorder = UpdateRecorder()
        let ended = await finishes(within: .seconds(10)) {
            let first = Task { await recorder.first(timeout: .seconds(3_600)) { _ in true } }
            let counted = Task { await recorder.waitFor(1, of: "a", timeout: .seconds(3_600)) }
            await Task.yield()
            first.cancel()
            counted.cancel()
            #expect(await first.value == nil)
            #expect(await counted.value == false)
        }
        #expect(ended)
    }

    @Test func aCancelledWaitOnTheMattermostFakeEndsAtOnce() async throws {
        try await MattermostFake.withRunning { fake in
            let ended = await finishes(within: .seconds(10)) {
                let waiting = Task { await fake.waitFor(timeout: .seconds(3_600)) { _ in false } }
                await Task.yield()
                waiting.cancel()
                #expect(await waiting.value == false)
            }
            #expect(ended)
        }
    }
}
