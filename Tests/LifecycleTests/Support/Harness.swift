import Lifecycle
import Logging
import TestSupport

/// Builds controllers on an in-memory engine with a test clock, and runs the event monitor for a test.
struct Harness {
    let runtime: InMemoryContainerRuntime
    let clock = TestClock()
    let recorder = EventRecorder()
    let monitor: ContainerEventMonitor
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }()

    init(runtime: InMemoryContainerRuntime = InMemoryContainerRuntime(images: ["busybox"])) {
        self.runtime = runtime
        self.monitor = ContainerEventMonitor(runtime: runtime, clock: clock, logger: Self.logger)
    }

    func controller(
        _ instance: String = "worker", target: ContainerTarget? = nil, policy: LifecyclePolicy = Harness.lazy
    ) -> LifecycleController<TestClock> {
        LifecycleController(
            instance: instance, target: target ?? .existing(name: instance), policy: policy, runtime: runtime,
            monitor: monitor, clock: clock, listener: recorder, logger: Self.logger)
    }

    static let lazy = LifecyclePolicy(
        mode: .lazy, idleTimeout: .seconds(300), startTimeout: .seconds(60), stopGracePeriod: .seconds(1))

    /// Waits until the idle timer sleeps to `idleTimeout` from now, then moves time there so it fires.
    func expireIdleTimer(idleTimeout: Duration = .seconds(300)) async {
        await clock.waitForSleeper(until: clock.now.advanced(by: idleTimeout))
        clock.advance(by: idleTimeout)
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
