import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

@Suite("LifecycleController")
struct LifecycleControllerTests {
    @Test func coldAcquireStartsTheContainerAndReportsLatency() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            let gate = harness.runtime.holdStarts()
            async let outcome = controller.acquire()
            await gate.waitForWaiters(1)
            harness.clock.advance(by: .milliseconds(250))
            gate.open()
            let value = try await outcome
            #expect(value == .cold(wake: .milliseconds(250)))
            let events = await harness.recorder.waitFor(1)
            #expect(events.map(\.type) == ["lazy_start"])
            #expect(events[0].kind == .lazyStart(latency: .milliseconds(250)))
            #expect(events[0].detail["latency_ms"] == .number(250))
            #expect(events[0].instance == "worker")
            #expect(await controller.snapshot.phase == .running)
            let second = try await controller.acquire()
            #expect(second == .warm)
            #expect(harness.runtime.startCount == 1)
        }
    }

    @Test func thousandConcurrentAcquiresStartOnce() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            let gate = harness.runtime.holdStarts()
            try await withThrowingTaskGroup(of: AcquireOutcome.self) { group in
                for _ in 0..<1_000 { group.addTask { try await controller.acquire() } }
                await gate.waitForWaiters(1)
                // Every caller parked behind the held start: one that came after it would rightly get a warm lease.
                try await waitUntil { await controller.snapshot.waiting == 1_000 }
                gate.open()
                var cold = 0
                for try await outcome in group where outcome.isColdStart { cold += 1 }
                #expect(cold == 1_000)
            }
            #expect(harness.runtime.startCount == 1)
            #expect(await controller.snapshot.inFlight == 1_000)
            #expect(harness.recorder.types == ["lazy_start"])
        }
    }

    @Test func idleTimerStopsTheContainerAndReportsIdleSeconds() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await harness.expireIdleTimer()
            let events = await harness.recorder.waitFor(2)
            #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
            #expect(events[1].kind == .lazyStop(idle: .seconds(300)))
            #expect(events[1].detail["idle_seconds"] == .number(300))
            #expect(harness.runtime.container(id)?.isRunning == false)
            #expect(await controller.snapshot.phase == .stopped)
        }
    }

    @Test func everyReleaseResetsTheIdleTimer() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        let clock = harness.clock
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(300)))
            clock.advance(by: .seconds(200))
            _ = try await controller.acquire()
            await controller.release()  // idle since t=200, deadline t=500
            clock.advance(by: .seconds(150))  // t=350: the timer wakes at its old deadline and sleeps on
            await clock.waitForSleeper(until: .init(offset: .seconds(500)))
            #expect(harness.runtime.stopCount == 0)
            clock.advance(by: .seconds(150))
            let events = await harness.recorder.waitFor(2)
            #expect(events[1].kind == .lazyStop(idle: .seconds(300)))
            #expect(harness.runtime.stopCount == 1)
        }
    }

    @Test func noIdleStopWhileWorkIsInFlight() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        let clock = harness.clock
        try await harness.run {
            _ = try await controller.acquire()
            _ = try await controller.acquire()
            await controller.release()
            // Read in the actor turn that would have armed it: a timer task that has not slept yet cannot hide it.
            #expect(await controller.armedIdleDeadline == nil)
            clock.advance(by: .seconds(3_600))
            #expect(await controller.armedIdleDeadline == nil)
            #expect(await controller.snapshot.phase == .running)
            await controller.release()
            let deadline = clock.now.advanced(by: .seconds(300))
            #expect(await controller.armedIdleDeadline == deadline)
            await clock.waitForSleeper(until: deadline)
            #expect(harness.runtime.stopCount == 0)
        }
    }

    @Test func dispatchDuringIdleStopWaitsAndStartsAgain() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            let stops = harness.runtime.holdStops()
            await harness.expireIdleTimer()
            await stops.waitForWaiters(1)
            #expect(await controller.snapshot.phase == .stopping)
            async let outcome = controller.acquire()
            try await waitUntil { await controller.snapshot.waiting == 1 }
            stops.open()
            let value = try await outcome.isColdStart
            #expect(value)
            #expect(harness.recorder.types == ["lazy_start", "lazy_stop", "lazy_start"])
            #expect(harness.runtime.startCount == 2)
            #expect(await controller.snapshot.phase == .running)
        }
    }

    @Test func startFailureThenSuccessfulRetry() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        harness.runtime.fail("start", with: .engine(status: 500, message: "driver failed programming"))
        let controller = harness.controller()
        try await harness.run {
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            let failed = await harness.recorder.waitFor(1)
            #expect(failed[0].kind == .lazyStartFailed(error: "driver failed programming"))
            #expect(await controller.snapshot.phase == .stopped)
            #expect(await controller.snapshot.inFlight == 0)
            harness.runtime.clearFailure("start")
            let value = try await controller.acquire().isColdStart
            #expect(value)
            #expect(harness.recorder.types == ["lazy_start_failed", "lazy_start"])
        }
    }

    @Test func startThatNeverBecomesReadyTimesOut() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        harness.runtime.setEmitsStartEvents(false)
        let controller = harness.controller()
        try await harness.run {
            let outcome = Task { try await controller.acquire() }
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            await #expect(throws: ContainerRuntimeError.self) { try await outcome.value }
            let events = await harness.recorder.waitFor(1)
            guard case .lazyStartFailed(let error) = events[0].kind else {
                Issue.record("expected lazy_start_failed, got \(events[0])")
                return
            }
            #expect(error.contains("start timeout"))
        }
    }

    @Test func stopFailureKeepsItRunningAndRetriesLater() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        harness.runtime.fail("stop", with: .engine(status: 500, message: "cannot stop container: permission denied"))
        let controller = harness.controller()
        let clock = harness.clock
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await clock.waitForSleeper(until: .init(offset: .seconds(300)))
            clock.advance(by: .seconds(300))
            let events = await harness.recorder.waitFor(2)
            #expect(events[1].kind == .lazyStopFailed(error: "cannot stop container: permission denied"))
            await clock.waitForSleeper(until: .init(offset: .seconds(600)))
            #expect(await controller.snapshot.phase == .running)
            harness.runtime.clearFailure("stop")
            clock.advance(by: .seconds(300))
            #expect(await harness.recorder.waitFor(3).map(\.type) == ["lazy_start", "lazy_stop_failed", "lazy_stop"])
        }
    }

    @Test func hotWorkerIsNeverIdleStopped() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(policy: LifecyclePolicy(mode: .hot))
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            // Read in the actor turn that would have armed it: a timer task that has not slept yet cannot hide it.
            #expect(await controller.armedIdleDeadline == nil)
            harness.clock.advance(by: .seconds(86_400))
            #expect(await controller.armedIdleDeadline == nil)
            #expect(harness.runtime.stopCount == 0)
            #expect(await controller.snapshot.phase == .running)
        }
    }
}
