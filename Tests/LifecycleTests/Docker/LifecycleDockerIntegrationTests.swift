import Foundation
import Lifecycle
import TestSupport
import Testing

@Suite("Lifecycle against the real engine", .enabled(if: DockerFixture.enabled), .tags(.docker), .outsideUnitLane)
struct LifecycleDockerIntegrationTests {
    /// A container that ignores nothing: docker-init as PID 1, so stops take milliseconds. It is an operator's
    /// container that opted in to Dormouse.
    static func makeWorker(_ runtime: DockerEngineRuntime, _ prefix: String) async throws -> String {
        let name = DockerFixture.uniqueName(prefix)
        _ = try await runtime.create(
            ContainerSpec(
                name: name, image: DockerFixture.image, command: ["sleep", "3600"],
                labels: [ContainerLabels.enable: "true"]))
        return name
    }

    static func withMonitor<T: Sendable>(
        _ runtime: DockerEngineRuntime, clock: any Clock<Duration> = ContinuousClock(),
        _ body: @Sendable (ContainerEventMonitor) async throws -> T
    ) async throws -> T {
        let monitor = ContainerEventMonitor(runtime: runtime, clock: clock, logger: DockerFixture.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await monitor.run() }
            await monitor.waitUntilConnected()
            defer { group.cancelAll() }
            return try await body(monitor)
        }
    }

    @Test func coldAcquireStartsTheContainerAndReportsLatency() async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = try await Self.makeWorker(runtime, "cold")
            let recorder = EventRecorder()
            try await DockerFixture.removing([name], on: runtime) {
                try await Self.withMonitor(runtime) { monitor in
                    let controller = LifecycleController(
                        instance: "cold", target: .existing(name: name), policy: LifecyclePolicy(), runtime: runtime,
                        monitor: monitor, clock: ContinuousClock(), listener: recorder, logger: DockerFixture.logger)
                    let outcome = try await controller.acquire()
                    #expect(outcome.isColdStart)
                    #expect(try await runtime.inspect(name).isRunning)
                    let event = try #require(await recorder.waitFor(1).first)
                    guard case .lazyStart(let latency) = event.kind else {
                        Issue.record("expected lazy_start, got \(event)")
                        return
                    }
                    #expect(latency > .zero && latency < .seconds(30))
                    #expect(outcome == .cold(wake: latency))
                    #expect(event.timestampMilliseconds > 1_700_000_000_000)
                    await controller.release()
                    await controller.shutdown()
                }
            }
        }
    }

    @Test func idleTimerStopsTheContainerAndReportsIdleSeconds() async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = try await Self.makeWorker(runtime, "idle")
            let recorder = EventRecorder()
            let clock = TestClock()
            try await DockerFixture.removing([name], on: runtime) {
                try await Self.withMonitor(runtime, clock: clock) { monitor in
                    let controller = LifecycleController(
                        instance: "idle", target: .existing(name: name),
                        policy: LifecyclePolicy(idleTimeout: .seconds(2), stopGracePeriod: .seconds(5)),
                        runtime: runtime, monitor: monitor, clock: clock, listener: recorder,
                        logger: DockerFixture.logger)
                    _ = try await controller.acquire()
                    await controller.release()
                    await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(2)))
                    clock.advance(by: .seconds(2))
                    let events = await recorder.waitFor(2)
                    #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
                    #expect(events[1].detail["idle_seconds"] == .number(2))
                    #expect(try await runtime.inspect(name).isRunning == false)
                    #expect(await controller.snapshot.phase == .stopped)
                    await controller.shutdown()
                }
            }
        }
    }

    @Test(arguments: ["container", "image"])
    func missingContainerOrImageFailsWithTheEngineMessage(missing: String) async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = DockerFixture.uniqueName("missing-\(missing)")
            let target: ContainerTarget =
                missing == "container"
                ? .existing(name: name) : .managed(ContainerSpec(name: name, image: "dormouse-test/absent:none"))
            let recorder = EventRecorder()
            try await DockerFixture.removing([name], on: runtime) {
                try await Self.withMonitor(runtime) { monitor in
                    let controller = LifecycleController(
                        instance: "missing", target: target, policy: LifecyclePolicy(), runtime: runtime,
                        monitor: monitor, clock: ContinuousClock(), listener: recorder, logger: DockerFixture.logger)
                    await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
                    guard case .lazyStartFailed(let error) = await recorder.waitFor(1)[0].kind else {
                        Issue.record("expected lazy_start_failed")
                        return
                    }
                    // dockerd says "No such …", Podman "no such …".
                    #expect(
                        error.localizedCaseInsensitiveContains(
                            missing == "container" ? "No such container" : "No such image"))
                    await controller.shutdown()
                }
            }
        }
    }

    @Test func containerStoppedOutsideDormouseIsNoticed() async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = try await Self.makeWorker(runtime, "external")
            try await DockerFixture.removing([name], on: runtime) {
                try await Self.withMonitor(runtime, clock: TestClock()) { monitor in
                    let controller = LifecycleController(
                        instance: "external", target: .existing(name: name), policy: LifecyclePolicy(),
                        runtime: runtime, monitor: monitor, clock: TestClock(), listener: EventRecorder(),
                        logger: DockerFixture.logger)
                    _ = try await controller.acquire()
                    await controller.release()
                    try await runtime.stop(name, timeout: .seconds(5))  // as `docker stop` would, outside Dormouse
                    try await eventually { await controller.snapshot.phase == .stopped }
                    let again = try await controller.acquire()
                    #expect(again.isColdStart)
                    #expect(try await runtime.inspect(name).isRunning)
                    await controller.shutdown()
                }
            }
        }
    }

    @Test func healthcheckedContainerIsReadyOnlyWhenHealthy() async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = DockerFixture.uniqueName("healthy")
            let spec = ContainerSpec(
                name: name, image: DockerFixture.image, command: ["sleep", "3600"], healthcheck: ["/bin/true"])
            try await DockerFixture.removing([name], on: runtime) {
                try await Self.withMonitor(runtime) { monitor in
                    let controller = LifecycleController(
                        instance: "healthy", target: .managed(spec), policy: LifecyclePolicy(), runtime: runtime,
                        monitor: monitor, clock: ContinuousClock(), listener: EventRecorder(),
                        logger: DockerFixture.logger)
                    _ = try await controller.acquire()
                    let status = try await runtime.inspect(name)
                    #expect(status.hasHealthcheck)
                    #expect(status.health == "healthy")
                    #expect(ContainerLabels.belongs(status.labels, to: "healthy"))
                    await controller.shutdown()
                }
            }
        }
    }
}

/// Waits for a state the real engine will reach on its own (no timer of ours involved), checking after every
/// short pause and failing after `limit`.
func eventually(
    limit: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not reached within \(limit)")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
