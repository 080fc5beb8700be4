import Foundation
import TestSupport
import Testing

@testable import Watcher

@Suite struct ChatRelayTests {
    @Test func createsOnePostThenEditsItInPlaceOnlyWhenTheTextChanges() async {
        let harness = await RelayHarness()
        await harness.send("s1", activity: ["one"])
        await harness.poster.waitForCalls(2)
        #expect(harness.poster.calls.map(\.kind) == [.channel, .create])
        await harness.waitForIdle()
        await harness.advance(to: 500)
        await harness.send("s1", activity: ["one", "two"])
        await harness.poster.waitForCalls(3)
        await harness.advance(to: 1000)
        // Same text again: no request.
        await harness.send("s1", activity: ["one", "two"])
        let health = await harness.relay.health()
        #expect(health.queueDepth == 0)
        #expect(harness.poster.writes.map(\.kind) == [.create, .edit])
        #expect(harness.poster.writes.last?.postID == "post1")
        #expect(harness.poster.writes.last?.text?.contains("two") == true)
        await harness.stop()
    }

    @Test func editsAreThrottledPerPostWithATrailingFlushOfTheLastState() async {
        let harness = await RelayHarness()
        await harness.send("s1", activity: ["a"])
        await harness.poster.waitForCalls(2)
        for step in ["b", "c", "d"] { await harness.send("s1", activity: [step]) }
        await harness.waitForTimer(at: 500)
        #expect(harness.poster.writes.count == 1)
        await harness.advance(to: 500)
        await harness.poster.waitForCalls(3)
        let edits = harness.poster.writes.filter { $0.kind == .edit }
        #expect(edits.count == 1)
        #expect(edits.first?.text?.contains("d") == true)
        #expect(edits.first?.text?.contains("b") == false)
        await harness.stop()
    }

    @Test func serverErrorsRetryWithBackoffAndTheLatestTextIsDelivered() async {
        let harness = await RelayHarness { $0.retryBaseDelay = .milliseconds(100) }
        harness.poster.fail(with: [.server(status: 500, detail: "boom"), .network("reset")])
        await harness.send("s1", activity: ["first"])
        await harness.poster.waitForCalls(1)
        // The channel lookup failed; with jitter pinned to 1 the first retry waits the full base delay.
        await harness.waitForTimer(at: 500)
        await harness.send("s1", activity: ["second"])
        await harness.advance(to: 500)
        await harness.poster.waitForCalls(2)
        await harness.waitForTimer(at: 1000)
        await harness.advance(to: 1000)
        await harness.poster.waitForCalls(4)
        #expect(harness.poster.writes.map(\.kind) == [.create])
        #expect(harness.poster.writes.first?.text?.contains("second") == true)
        let health = await harness.relay.health()
        #expect(health.updatesFailed == 2)
        #expect(health.updatesSent == 1)
        await harness.stop()
    }

    @Test func rateLimitHonoursRetryAfterForEveryPost() async {
        let harness = await RelayHarness()
        harness.poster.fail(with: [.rateLimited(retryAfter: .seconds(3))])
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(1)
        await harness.waitForTimer(at: 3000)
        await harness.send("s2", activity: ["y"])
        // The second session waits for the same Retry-After instead of hitting the server.
        #expect(harness.poster.calls.count == 1)
        await harness.advance(to: 3000)
        await harness.poster.waitForCalls(5)
        #expect(Set(harness.poster.writes.map(\.kind)) == [.create])
        await harness.stop()
    }

    @Test func circuitOpensAfterTheThresholdProbesAfterTheCooldownAndThenFlushes() async {
        let harness = await RelayHarness {
            $0.circuitBreakerThreshold = 2
            $0.circuitBreakerCooldown = .seconds(10)
            $0.retryBaseDelay = .milliseconds(100)
        }
        harness.poster.setOutage(.server(status: 503, detail: "down"))
        await harness.send("s1", activity: ["x"])
        await harness.send("s2", activity: ["y"])
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        #expect(await harness.relay.health().circuit == "open")
        await harness.waitForTimer(at: 10000)
        await harness.advance(to: 9999)
        #expect(harness.poster.calls.count == 2)
        harness.poster.setOutage(nil)
        await harness.advance(to: 10000)
        // One probe goes first; once it succeeds the other box follows.
        await harness.poster.waitForCalls(6)
        #expect(harness.poster.writes.count == 2)
        let health = await harness.relay.health()
        #expect(health.circuit == "closed")
        #expect(health.status == "ok")
        await harness.stop()
    }

    @Test func aMissingPostIsReplacedByANewOne() async {
        let harness = await RelayHarness()
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        harness.poster.deletePost("post1")
        await harness.advance(to: 500)
        await harness.send("s1", activity: ["y"])
        await harness.poster.waitForCalls(4)
        #expect(harness.poster.writes.map(\.kind) == [.create, .edit, .create])
        #expect(harness.poster.posts["post2"]?.message.contains("y") == true)
        await harness.stop()
    }

    @Test func sessionsOverTheCapWaitInOrderAndGetABoxWhenOneFrees() async {
        let harness = await RelayHarness { $0.maxActiveSessions = 1 }
        await harness.send("a", activity: ["a1"])
        await harness.send("b", activity: ["b1"])
        await harness.send("c", activity: ["c1"])
        await harness.poster.waitForCalls(2)
        #expect(await harness.relay.health().waitingSessions == 2)
        await harness.send("c", activity: ["c2"])
        await harness.advance(to: 500)
        await harness.send("a", .done, activity: ["a1"])
        // a's final edit frees the slot for b (first in line), not c.
        await harness.poster.waitForCalls(5)
        #expect(harness.poster.writes.map(\.kind) == [.create, .edit, .create])
        #expect(harness.poster.writes.last?.text?.contains("b1") == true)
        await harness.advance(to: 1000)
        await harness.send("b", .done, activity: ["b1"])
        await harness.poster.waitForCalls(8)
        #expect(harness.poster.writes.last?.text?.contains("c2") == true)
        await harness.stop()
    }

    @Test func aNewTurnAfterCompletionGetsAFreshPost() async {
        let harness = await RelayHarness()
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        await harness.advance(to: 500)
        await harness.send("s1", .done, activity: ["x"])
        await harness.poster.waitForCalls(3)
        await harness.waitForIdle()
        await harness.advance(to: 1000)
        await harness.send("s1", activity: ["next turn"])
        await harness.poster.waitForCalls(5)
        #expect(harness.poster.writes.map(\.kind) == [.create, .edit, .create])
        #expect(harness.poster.writes.last?.pendingID != harness.poster.writes.first?.pendingID)
        await harness.stop()
    }

    @Test func routesToTheSessionChannelOrUserElseTheDefaultElseSkips() async {
        let harness = await RelayHarness { $0.defaultChannel = nil }
        await harness.send("nowhere", activity: ["x"])
        await harness.send("dm", activity: ["x"], route: ChatRoute(channel: "mattermost", to: "user:u1"))
        await harness.poster.waitForCalls(2)
        #expect(harness.poster.posts["post1"]?.channelID == "direct-u1")
        #expect(await harness.relay.health().activeSessions == 1)
        await harness.stop()
    }

    @Test func shutdownMarksEveryOpenBoxInterruptedAtOnce() async {
        let harness = await RelayHarness()
        await harness.send("s1", activity: ["x"])
        await harness.send("s2", activity: ["y"])
        await harness.poster.waitForCalls(4)
        await harness.waitForIdle()
        await harness.stop()
        let edits = harness.poster.writes.filter { $0.kind == .edit }
        #expect(edits.count == 2)
        #expect(edits.allSatisfy { $0.status == "interrupted" && $0.text?.hasPrefix("[interrupted]") == true })
    }

    @Test func shutdownGivesUpAfterItsBoundWhenTheServerIsDown() async {
        let harness = await RelayHarness { $0.shutdownFlushTimeout = .seconds(2) }
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        harness.poster.setOutage(.network("refused"))
        let stopping = Task { await harness.stop() }
        await harness.waitForTimer(at: 2000)
        await harness.advance(to: 2000)
        await stopping.value
        #expect(harness.poster.posts["post1"]?.status == "active")
    }

    @Test func aRestartContinuesThePersistedPost() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let postsFile = directory.file("posts.json")
        let poster = RecordingPoster()
        let first = await RelayHarness(poster: poster, postsFile: postsFile)
        await first.send("s1", activity: ["before"])
        await poster.waitForCalls(2)
        await first.waitForIdle()
        await first.stop()
        let second = await RelayHarness(poster: poster, postsFile: postsFile)
        await second.send("s1", activity: ["after"], foundAtStartup: true)
        await poster.waitForCalls(4)
        #expect(poster.writes.map(\.kind) == [.create, .edit, .edit])
        #expect(poster.posts["post1"]?.message.contains("after") == true)
        await second.stop()
    }

    @Test func aLostPostIdIsFoundAgainByItsMarker() async {
        let poster = RecordingPoster()
        let marker = StatusBox.marker(for: "s1")
        poster.seed(ChatPost(id: "old", channelID: "town-square", message: "…", marker: marker, status: "interrupted"))
        let harness = await RelayHarness(poster: poster)
        await harness.send("s1", activity: ["again"], foundAtStartup: true)
        await poster.waitForCalls(3)
        #expect(poster.calls.map(\.kind) == [.channel, .find, .edit])
        #expect(poster.writes.first?.postID == "old")
        await harness.stop()
    }

    @Test func aFoundPostOfAFinishedTurnIsLeftAlone() async {
        let poster = RecordingPoster()
        let marker = StatusBox.marker(for: "s1")
        poster.seed(ChatPost(id: "old", channelID: "town-square", message: "…", marker: marker, status: "done"))
        let harness = await RelayHarness(poster: poster)
        await harness.send("s1", activity: ["new turn"], foundAtStartup: true)
        await poster.waitForCalls(3)
        #expect(poster.calls.map(\.kind) == [.channel, .find, .create])
        await harness.stop()
    }

    @Test func aRemovedSessionEndsItsBoxAndFreesTheSlot() async {
        let harness = await RelayHarness { $0.maxActiveSessions = 1 }
        await harness.send("gone", activity: ["x"])
        await harness.send("next", activity: ["y"])
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        await harness.advance(to: 500)
        await harness.send("gone", activity: ["x"], kind: .removed)
        await harness.poster.waitForCalls(5)
        #expect(harness.poster.writes.map(\.status) == ["active", "interrupted", "active"])
        #expect(harness.poster.writes.last?.text?.contains("y") == true)
        await harness.stop()
    }

    @Test func anUnreachableServerShowsInHealthBeforeAnySessionNeedsAPost() async {
        let poster = RecordingPoster()
        poster.refuseConnections(.unauthorized(detail: "api.context.session_expired.app_error"))
        let harness = await RelayHarness(poster: poster)
        // The failed check backs off (jitter pinned: the full 250 ms base) before it asks again.
        await harness.waitForTimer(at: 250)
        let health = await harness.relay.health()
        #expect(health.status == "degraded")
        #expect(health.lastError?.contains("token refused") == true)
        await harness.stop()
    }

    @Test func aWorkerWakeShowsInTheHeaderOfItsSession() async {
        let harness = await RelayHarness()
        await harness.relay.noteWake(WorkerWake(instance: "coder", latency: .milliseconds(312), at: Date()))
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        let header = harness.poster.writes.first?.text?.split(separator: "\n").first
        #expect(header?.hasSuffix("woke in 312 ms") == true)
        await harness.stop()
    }

    /// A worker thawed from paused (the warm tier) says so, apart from a cold start's wording.
    @Test func aResumeFromPauseShowsAsSuch() async {
        let harness = await RelayHarness()
        await harness.relay.noteWake(
            WorkerWake(instance: "coder", latency: .milliseconds(18), at: Date(), kind: .resume))
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        let header = harness.poster.writes.first?.text?.split(separator: "\n").first
        #expect(header?.hasSuffix(" · woke from pause in 18 ms") == true, "\(String(describing: header))")
        await harness.stop()
    }

    @Test func aWakeNoteNamesHowTheWorkerWoke() {
        let at = Date()
        #expect(WorkerWake(instance: "w", latency: .milliseconds(312), at: at).note == "woke in 312 ms")
        #expect(WorkerWake(instance: "w", latency: .milliseconds(312), at: at, kind: .start).note == "woke in 312 ms")
        #expect(
            WorkerWake(instance: "w", latency: .microseconds(18_400), at: at, kind: .resume).note
                == "woke from pause in 18 ms")
    }

    /// The wake's age is judged by the injected wall clock: pinned 121 s after the wake (the window is 120 s), the
    /// wake is too old to show; pinned 119 s after, it shows.
    @Test(arguments: [(119, true), (121, false)])
    func aWakeIsJudgedOldByTheInjectedWallClock(secondsLater: Int, shown: Bool) async {
        let wakeAt: Int64 = 1_000_000_000_000_000_000
        let pinned = WallClock { wakeAt + Int64(secondsLater) * 1_000_000_000 }
        let harness = await RelayHarness(wallClock: pinned)
        let at = Date(timeIntervalSince1970: Double(wakeAt) / 1_000_000_000)
        await harness.relay.noteWake(WorkerWake(instance: "coder", latency: .milliseconds(312), at: at))
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        let header = harness.poster.writes.first?.text?.split(separator: "\n").first
        #expect(header?.hasSuffix("woke in 312 ms") == shown)
        await harness.stop()
    }
}

extension RelayHarness {
    /// Waits until no request is in flight, so the next update is decided on delivered state.
    func waitForIdle() async { await relay.waitUntilSettled() }
}
