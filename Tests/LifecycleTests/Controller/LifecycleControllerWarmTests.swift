import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

/// The warm tier on the in-memory engine and the test clock: paused at `pauseAfter`, stopped at `idleTimeout`
/// (both from the last release), thawed once for any number of dispatches.
@Suite("LifecycleController warm tier")
struct LifecycleControllerWarmTests {
    static let warm = LifecyclePolicy(
        mode: .lazy, idleTimeout: .seconds(300), pauseAfter: .seconds(60), startTimeout: .seconds(60),
        stopGracePeriod: .seconds(1))

    /// Started, released at t=0, and paused by the timer at t=60.
    static func pausedWorker(_ harness: Harness) async throws -> (LifecycleController<TestClock>, String) {
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(policy: warm)
        _ = try await controller.acquire()
        await controller.release()
        #expect(await controller.armedPauseDeadline == harness.clock.now.advanced(by: .seconds(60)))
        await harness.clock.waitForSleeper(until: harness.clock.now.advanced(by: .seconds(60)))
        harness.clock.advance(by: .seconds(60))
        try await waitUntil { await controller.snapshot.phase == .paused }
        return (controller, id)
    }

    @Test func anIdleWorkerIsPausedThenStoppedBothCountedFromTheLastRelease() async throws {
        let harness = Harness()
        try await harness.run {
            let (controller, id) = try await Self.pausedWorker(harness)
            let paused = await harness.recorder.waitFor(2)
            #expect(paused.map(\.type) == ["lazy_start", "lazy_pause"])
            #expect(paused[1].kind == .lazyPause(idle: .seconds(60)))
            #expect(paused[1].detail["idle_seconds"] == .number(60))
            #expect(paused[1].trigger == .idle)
            #expect(harness.runtime.container(id)?.isPaused == true)
            #expect(await controller.armedIdleDeadline == .init(offset: .seconds(300)))

            await harness.clock.waitForSleeper(until: .init(offset: .seconds(300)))
            harness.clock.advance(by: .seconds(240))
            let stopped = await harness.recorder.waitFor(3)
            #expect(stopped[2].kind == .lazyStop(idle: .seconds(300)))
            #expect(harness.runtime.container(id)?.isRunning == false)
            #expect(harness.runtime.container(id)?.isPaused == false)
            #expect(await controller.snapshot.phase == .stopped)
        }
    }

    @Test func aThousandDispatchesToAPausedWorkerThawItOnce() async throws {
        let harness = Harness()
        try await harness.run {
            let (controller, _) = try await Self.pausedWorker(harness)
            let thaw = harness.runtime.holdUnpauses()
            try await withThrowingTaskGroup(of: AcquireOutcome.self) { group in
                for _ in 0..<1_000 { group.addTask { try await controller.acquire() } }
                await thaw.waitForWaiters(1)
                try await waitUntil { await controller.snapshot.waiting == 1_000 }
                #expect(await controller.snapshot.phase == .resuming)
                harness.clock.advance(by: .milliseconds(18))
                thaw.open()
                for try await outcome in group { #expect(outcome == .resumed(wake: .milliseconds(18))) }
            }
            #expect(harness.runtime.callCount { if case .unpause = $0 { true } else { false } } == 1)
            #expect(harness.runtime.startCount == 1)
            #expect(await controller.snapshot.inFlight == 1_000)
            let events = await harness.recorder.waitFor(3)
            #expect(events.map(\.type) == ["lazy_start", "lazy_pause", "lazy_resume"])
            #expect(events[2].kind == .lazyResume(latency: .milliseconds(18)))
            #expect(events[2].detail["latency_ms"] == .number(18))
            #expect(events[2].trigger == .dispatch)
        }
    }

    @Test func aDispatchDuringTheEnginePauseWaitsAndThawsIt() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(policy: Self.warm)
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            let pauses = harness.runtime.holdPauses()
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            await pauses.waitForWaiters(1)
            #expect(await controller.snapshot.phase == .pausing)
            async let outcome = controller.acquire()
            try await waitUntil { await controller.snapshot.waiting == 1 }
            pauses.open()
            guard case .resumed = try await outcome else {
                Issue.record("expected a resume")
                return
            }
            #expect(harness.recorder.types == ["lazy_start", "lazy_pause", "lazy_resume"])
            #expect(harness.runtime.container(id)?.isPaused == false)
            #expect(await controller.snapshot.phase == .running)
            #expect(await controller.armedIdleDeadline == nil)
        }
    }

    /// The stop step comes due while the engine is still pausing: the stop waits for the pause to end, then
    /// stops the paused worker (a stop given up while pausing would leave it paused for good).
    @Test func theStopStepWaitsForAPauseStillUnderWay() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(policy: Self.warm)
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            let pauses = harness.runtime.holdPauses()
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            await pauses.waitForWaiters(1)
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(300)))
            harness.clock.advance(by: .seconds(240))
            try await waitUntil { await controller.armedIdleDeadline == .init(offset: .seconds(300)) }
            #expect(harness.runtime.stopCount == 0)
            pauses.open()
            let events = await harness.recorder.waitFor(3)
            #expect(events.map(\.type) == ["lazy_start", "lazy_pause", "lazy_stop"])
            #expect(harness.runtime.container(id)?.isRunning == false)
            #expect(await controller.snapshot.phase == .stopped)
        }
    }

    @Test func aRefusedPauseLeavesItRunningUntilItsStop() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        harness.runtime.fail("pause", with: .engine(status: 500, message: "freezer cgroup unavailable"))
        let controller = harness.controller(policy: Self.warm)
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            let failed = await harness.recorder.waitFor(2)
            #expect(failed[1].kind == .lazyPauseFailed(error: "freezer cgroup unavailable"))
            #expect(failed[1].detail["error"] == .string("freezer cgroup unavailable"))
            try await waitUntil { await controller.snapshot.phase == .running }
            // A dispatch now runs at once: nothing was frozen.
            #expect(try await controller.acquire() == .warm)
            await controller.release()
            // Re-armed from this release: the pause is tried again at t=120 (refused again), the stop at t=360.
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(120)))
            harness.clock.advance(by: .seconds(60))
            _ = await harness.recorder.waitFor(3)
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(360)))
            harness.clock.advance(by: .seconds(240))
            #expect(
                await harness.recorder.waitFor(4).map(\.type) == [
                    "lazy_start", "lazy_pause_failed", "lazy_pause_failed", "lazy_stop",
                ])
            #expect(harness.runtime.container(id)?.isRunning == false)
        }
    }

    /// A thaw the engine refuses is reported and a cold start is tried for the same callers; when that fails
    /// too they get its error, and the next dispatch starts afresh.
    @Test func aRefusedThawFallsBackToAColdStart() async throws {
        let harness = Harness()
        try await harness.run {
            let (controller, _) = try await Self.pausedWorker(harness)
            harness.runtime.fail("unpause", with: .engine(status: 500, message: "cannot thaw"))
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            let events = await harness.recorder.waitFor(4)
            #expect(events.map(\.type) == ["lazy_start", "lazy_pause", "lazy_resume_failed", "lazy_start_failed"])
            #expect(events[2].kind == .lazyResumeFailed(error: "cannot thaw"))
            #expect(await controller.snapshot.phase == .stopped)
            harness.runtime.clearFailure("unpause")
            #expect(try await controller.acquire().isColdStart)
            #expect(harness.recorder.types.last == "lazy_start")
        }
    }

    @Test func aThawedWorkerNoLongerThereIsStartedCold() async throws {
        let harness = Harness()
        try await harness.run {
            let (controller, id) = try await Self.pausedWorker(harness)
            // Gone without a word reaching Dormouse (its events lost): the thaw finds nothing, the start creates
            // nothing either for an operator's container, so the caller learns it is missing.
            harness.runtime.fail("unpause", with: .notFound("No such container: \(id)"))
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            #expect(harness.recorder.types.suffix(2) == ["lazy_resume_failed", "lazy_start_failed"])
        }
    }

    @Test func aPauseAndUnpauseOutsideDormouseAreNoticed() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(policy: Self.warm)
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            harness.clock.advance(by: .seconds(10))
            try await harness.runtime.pause(id)
            try await waitUntil { await controller.snapshot.phase == .paused }
            // Paused already: only the stop is armed, from when it was noticed.
            #expect(await controller.armedPauseDeadline == nil)
            #expect(await controller.armedIdleDeadline == .init(offset: .seconds(310)))
            try await harness.runtime.unpause(id)
            try await waitUntil { await controller.snapshot.phase == .running }
            #expect(await controller.armedPauseDeadline == .init(offset: .seconds(70)))
            #expect(try await controller.acquire() == .warm)
            #expect(harness.recorder.types == ["lazy_start"])
        }
    }

    @Test func aPausedContainerFoundOnBootIsAdoptedPausedAndThawedForADispatch() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker", running: true)
        try await harness.runtime.pause(id)
        let controller = harness.controller(policy: Self.warm, recorded: true)
        try await harness.run {
            await controller.reconcile()
            #expect(await controller.snapshot.phase == .paused)
            #expect(await controller.armedIdleDeadline == .init(offset: .seconds(300)))
            guard case .resumed = try await controller.acquire() else {
                Issue.record("expected a resume")
                return
            }
            #expect(harness.runtime.container(id)?.isPaused == false)
            #expect(harness.runtime.startCount == 0)
            #expect(harness.recorder.types == ["lazy_resume"])
        }
    }

    @Test func withoutPauseAfterNothingIsEverPaused() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            #expect(await controller.armedPauseDeadline == nil)
            await harness.expireIdleTimer()
            #expect(await harness.recorder.waitFor(2).map(\.type) == ["lazy_start", "lazy_stop"])
            #expect(harness.runtime.callCount { if case .pause = $0 { true } else { false } } == 0)
        }
    }
}
