import Lifecycle
import LifecycleTestKit
import Logging
import TestSupport
import Testing

/// Builds controllers on an in-memory engine with a test clock, and runs the event monitor for a test.
struct Harness {
    let runtime: InMemoryContainerRuntime
    let clock: TestClock
    let recorder = EventRecorder()
    let monitor: ContainerEventMonitor
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }()

    init(
        runtime: InMemoryContainerRuntime = InMemoryContainerRuntime(images: ["busybox"]),
        clock: TestClock = TestClock()
    ) {
        self.runtime = runtime
        self.clock = clock
        self.monitor = ContainerEventMonitor(
            runtime: runtime, clock: clock, wallClock: runtime.wallClock, logger: Self.logger)
    }

    /// A controller; with `recorded`, its transitions are recorded and reconciled, the last one recorded having
    /// left the container running (true) or stopped (false).
    func controller(
        _ instance: String = "worker", target: ContainerTarget? = nil, policy: LifecyclePolicy = Harness.lazy,
        recorded: Bool? = nil
    ) -> LifecycleController<TestClock> {
        LifecycleController(
            instance: instance, target: target ?? .existing(name: instance), policy: policy, runtime: runtime,
            monitor: monitor, clock: clock, listener: recorder, lastRecordedRunning: recorded, logger: Self.logger)
    }

    static let lazy = LifecyclePolicy(
        mode: .lazy, idleTimeout: .seconds(300), startTimeout: .seconds(60), stopGracePeriod: .seconds(1))

    /// Waits until the idle timer sleeps to `idleTimeout` from now, then moves time there so it fires.
    func expireIdleTimer(idleTimeout: Duration = .seconds(300)) async {
        await clock.waitForSleeper(until: clock.now.advanced(by: idleTimeout))
        clock.advance(by: idleTimeout)
    }

    /// Waits until something sleeps on the clock, then moves time to the earliest deadline.
    func advanceToNextSleeper() async {
        await clock.waitForSleepers(count: 1)
        guard let next = clock.sleeperDeadlines.min() else { return }
        clock.advance(by: clock.now.duration(to: next))
    }

    /// Takes the engine away and waits until the monitor probes it (its next probe is `probeInterval` away).
    func takeEngineAway(stoppingContainers: Bool = false) async {
        let probe = clock.now.advanced(by: monitor.probeInterval)
        runtime.stopEngine(stoppingContainers: stoppingContainers)
        await clock.waitForSleepers { $0.contains(probe) }
    }

    /// Brings the engine back and moves time to the monitor's next probe; returns once the stream is back and
    /// every instance has re-read its container (an event delivered after a reconnect comes after that).
    func bringEngineBack() async {
        runtime.restartEngine()
        clock.advance(by: monitor.probeInterval)
        await monitor.waitUntilConnected()
        let delivered = monitor.deliveredCount
        runtime.emit("marker", .other("marker"))
        await monitor.waitUntilDelivered(delivered + 1)
    }

    /// Runs `body` with the monitor subscribed; the monitor stops when `body` returns.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await monitor.run() }
            await monitor.waitUntilConnected()
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
