import Lifecycle
import TestSupport
import Testing

/// The warm tier on the real engine: the cgroup freezer pauses the worker, a dispatch thaws it, the engine's
/// pause and unpause events are followed, and a paused container stops.
@Suite("Warm tier against the real engine", .enabled(if: DockerFixture.enabled), .tags(.docker), .outsideUnitLane)
struct LifecycleWarmEngineTests {
    static let policy = LifecyclePolicy(
        idleTimeout: .seconds(600), pauseAfter: .seconds(1), startTimeout: .seconds(30), stopGracePeriod: .seconds(5))

    /// A started, then paused, worker under a controller on the test clock; shut down after `body`.
    static func withPausedWorker(
        _ prefix: String,
        _ body:
            @Sendable (DockerEngineRuntime, String, LifecycleController<TestClock>, TestClock, EventRecorder)
            async throws -> Void
    ) async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = try await LifecycleDockerIntegrationTests.makeWorker(runtime, prefix)
            let recorder = EventRecorder()
            let clock = TestClock()
            try await DockerFixture.removing([name], on: runtime) {
                try await LifecycleDockerIntegrationTests.withMonitor(runtime, clock: clock) { monitor in
                    let controller = LifecycleController(
                        instance: prefix, target: .existing(name: name), policy: policy, runtime: runtime,
                        monitor: monitor, clock: clock, listener: recorder, logger: DockerFixture.logger)
                    #expect(try await controller.acquire().isColdStart)
                    await controller.release()
                    await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(1)))
                    clock.advance(by: .seconds(1))
                    #expect(await recorder.waitFor(2).map(\.type) == ["lazy_start", "lazy_pause"])
                    try await waitUntil { await controller.snapshot.phase == .paused }
                    #expect(try await runtime.inspect(name).isPaused)
                    try await body(runtime, name, controller, clock, recorder)
                    await controller.shutdown()
                }
            }
        }
    }

    @Test func aDispatchThawsThePausedWorkerAndItsExecRuns() async throws {
        try await Self.withPausedWorker("thaw") { runtime, name, controller, _, recorder in
            // The engine's own rule, which a dispatch must never meet: exec in a frozen container is a conflict.
            await #expect { try await runtime.exec(name, ExecRequest(argv: ["true"])) } throws: {
                ($0 as? ContainerRuntimeError)?.isConflict == true
            }
            let outcome = try await controller.acquire()
            guard case .resumed(let wake) = outcome else {
                Issue.record("expected a resume, got \(outcome)")
                return
            }
            let result = try await runtime.exec(name, ExecRequest(argv: ["echo", "thawed"]))
            #expect(result.exitCode == 0)
            #expect(result.output == "thawed\n")
            #expect(try await runtime.inspect(name).isPaused == false)
            let events = await recorder.waitFor(3)
            #expect(events.map(\.type) == ["lazy_start", "lazy_pause", "lazy_resume"])
            #expect(events[2].kind == .lazyResume(latency: wake))
            await controller.release()
        }
    }

    @Test func anUnpauseAndPauseOutsideDormouseAreFollowed() async throws {
        try await Self.withPausedWorker("outside") { runtime, name, controller, _, recorder in
            try await runtime.unpause(name)
            try await waitUntil { await controller.snapshot.phase == .running }
            try await runtime.pause(name)
            try await waitUntil { await controller.snapshot.phase == .paused }
            #expect(await controller.armedPauseDeadline == nil)
            // Followed, not reported: neither is a start or a stop.
            #expect(recorder.types == ["lazy_start", "lazy_pause"])
            #expect(try await controller.acquire() != .warm)
            await controller.release()
        }
    }

    @Test func aPausedWorkerIsStoppedAtItsIdleTimeout() async throws {
        try await Self.withPausedWorker("stop") { runtime, name, controller, clock, recorder in
            await clock.waitForSleeper(until: .init(offset: .seconds(600)))
            clock.advance(by: .seconds(599))
            let events = await recorder.waitFor(3)
            #expect(events[2].kind == .lazyStop(idle: .seconds(600)))
            let status = try await runtime.inspect(name)
            #expect(!status.isRunning && !status.isPaused)
            #expect(await controller.snapshot.phase == .stopped)
        }
    }
}
