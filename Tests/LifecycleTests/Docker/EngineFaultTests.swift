import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

/// The lifecycle when the engine goes away and comes back: the stream is back as soon as the engine answers, a
/// start never waits on the stream alone, and what happened meanwhile is adopted and recorded.
@Suite("Lifecycle under engine faults", .timeLimit(.minutes(1)))
struct EngineFaultTests {
    static let shortStart = LifecyclePolicy(
        mode: .lazy, idleTimeout: .seconds(300), startTimeout: .seconds(2), stopGracePeriod: .seconds(1))

    @Test func theStreamIsBackAsSoonAsTheEngineAnswersAgain() async throws {
        let harness = Harness()
        try await harness.run {
            harness.runtime.stopEngine()
            let down = harness.clock.now
            // Three seconds of outage: the monitor sleeps, wakes, finds the engine still down, sleeps again.
            while down.duration(to: harness.clock.now) < .seconds(3) { await harness.advanceToNextSleeper() }
            await harness.clock.waitForSleepers(count: 1)
            harness.runtime.restartEngine()
            let back = harness.clock.now
            await harness.advanceToNextSleeper()
            await harness.monitor.waitUntilConnected()
            #expect(back.duration(to: harness.clock.now) <= harness.monitor.probeInterval)
            #expect(harness.monitor.subscriptionCount == 2)
        }
    }

    @Test func aStartWhoseEventIsLostWithTheStreamIsConfirmedByInspect() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        harness.runtime.setEmitsStartEvents(false)
        let controller = harness.controller(policy: Self.shortStart)
        try await harness.run {
            let gate = harness.runtime.holdStarts()
            async let outcome = controller.acquire()
            await gate.waitForWaiters(1)
            // The engine carries out the start as it goes away: the start event is never seen.
            harness.runtime.stopEngine()
            gate.open()
            // The monitor probes the engine and the start is inspected, both 100 ms from now.
            let probe = harness.clock.now.advanced(by: harness.monitor.probeInterval)
            await harness.clock.waitForSleepers { $0.filter { $0 == probe }.count >= 2 }
            harness.runtime.restartEngine()
            harness.clock.advance(by: harness.monitor.probeInterval)
            let value = try await outcome
            #expect(value == .cold(wake: .milliseconds(100)))
            #expect(harness.recorder.types == ["lazy_start"])
            #expect(await controller.snapshot.phase == .running)
            #expect(harness.runtime.container(id)?.isRunning == true)
        }
    }

    @Test func aStartThatTimedOutAndIsFoundRunningIsAdoptedAndRecorded() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker")
        harness.runtime.setEmitsStartEvents(false)
        let controller = harness.controller(policy: Self.shortStart, recorded: false)
        try await harness.run {
            let attempt = Task { try await controller.acquire() }
            await harness.clock.waitForSleeper(until: harness.clock.now.advanced(by: .seconds(2)))
            harness.clock.advance(by: .seconds(2))
            await #expect(throws: ContainerRuntimeError.self) { try await attempt.value }
            #expect(await harness.recorder.waitFor(1).map(\.type) == ["lazy_start_failed"])

            await harness.takeEngineAway()
            await harness.bringEngineBack()
            let events = await harness.recorder.waitFor(2)
            #expect(events[1].kind == .lazyStart(latency: .zero))
            #expect(events[1].trigger == .reconcile)
            #expect(await controller.snapshot.phase == .running)
            // Adopted as after a start: the idle timer stops it, and the starts and stops pair up.
            await harness.expireIdleTimer()
            #expect(await harness.recorder.waitFor(3).map(\.type) == ["lazy_start_failed", "lazy_start", "lazy_stop"])
        }
    }

    @Test func aStopTheEngineMadeWhileItWasAwayIsRecordedOnceOnReconnect() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(recorded: false)
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await harness.recorder.waitFor(1)
            // `systemctl restart docker`: the engine stops its containers, and their events go with it.
            await harness.takeEngineAway(stoppingContainers: true)
            await harness.bringEngineBack()
            #expect(harness.runtime.container(id)?.isRunning == false)
            let events = await harness.recorder.waitFor(2)
            #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
            #expect(events[1].trigger == .reconcile)
            #expect(await controller.snapshot.phase == .stopped)

            // Another outage that changes nothing records nothing.
            await harness.takeEngineAway()
            await harness.bringEngineBack()
            #expect(harness.recorder.events.count == 2)
            #expect(harness.monitor.subscriptionCount == 3)
        }
    }

    /// (last transition recorded left it running, the engine runs it) → what reconciling records.
    @Test(arguments: [
        (false, false, [String]()), (true, true, []), (true, false, ["lazy_stop"]), (false, true, ["lazy_start"]),
    ])
    func reconcilingRecordsOnlyTheDifference(recorded: Bool, running: Bool, expected: [String]) async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker", running: running)
        let controller = harness.controller(recorded: recorded)
        await controller.reconcile()
        #expect(harness.recorder.types == expected)
        #expect(harness.recorder.events.allSatisfy { $0.trigger == .reconcile })
        #expect(controller.phase == (running ? .running : .stopped))
        await controller.reconcile()
        #expect(harness.recorder.types == expected)
    }

    @Test func startsAndStopsOutsideDormouseAreRecorded() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller(recorded: false)
        try await harness.run {
            try await harness.runtime.start(id)
            let started = await harness.recorder.waitFor(1)
            #expect(started.map(\.trigger) == [.reconcile])
            #expect(await controller.snapshot.phase == .running)
            harness.runtime.externallyStop(id)
            #expect(await harness.recorder.waitFor(2).map(\.type) == ["lazy_start", "lazy_stop"])
            #expect(await controller.snapshot.phase == .stopped)
        }
    }
}
