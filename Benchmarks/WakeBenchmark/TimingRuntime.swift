import Lifecycle
import Synchronization

/// Forwards to a runtime and records how long each `start`, `unpause` and `exec` call took, so a wake can be
/// split into the engine's calls and the lifecycle's own time around them.
final class TimingRuntime: ContainerRuntime {
    private let base: any ContainerRuntime
    private let starts = Mutex<[Duration]>([])
    private let unpauses = Mutex<[Duration]>([])
    private let execs = Mutex<[Duration]>([])

    init(_ base: any ContainerRuntime) {
        self.base = base
    }

    /// Durations of the `start` calls so far, in order.
    var startDurations: [Duration] { starts.withLock { $0 } }
    /// Durations of the `unpause` calls so far, in order.
    var unpauseDurations: [Duration] { unpauses.withLock { $0 } }
    /// Durations of the `exec` calls so far, in order.
    var execDurations: [Duration] { execs.withLock { $0 } }

    func ping() async throws -> String { try await base.ping() }
    func inspect(_ container: String) async throws -> ContainerStatus { try await base.inspect(container) }
    func create(_ spec: ContainerSpec) async throws -> String { try await base.create(spec) }
    func stop(_ container: String, timeout: Duration) async throws { try await base.stop(container, timeout: timeout) }
    func remove(_ container: String, force: Bool) async throws { try await base.remove(container, force: force) }
    func pause(_ container: String) async throws { try await base.pause(container) }
    func unpause(_ container: String) async throws {
        let elapsed = try await ContinuousClock().measure { try await base.unpause(container) }
        unpauses.withLock { $0.append(elapsed) }
    }

    func memoryUsage(_ container: String) async throws -> UInt64 { try await base.memoryUsage(container) }

    func exec(_ container: String, _ request: ExecRequest) async throws -> ExecResult {
        let clock = ContinuousClock()
        let began = clock.now
        let result = try await base.exec(container, request)
        let elapsed = began.duration(to: clock.now)
        execs.withLock { $0.append(elapsed) }
        return result
    }

    func events(since: ContainerEvent.Timestamp?) async throws -> AsyncThrowingStream<ContainerEvent, any Error> {
        try await base.events(since: since)
    }

    func start(_ container: String) async throws {
        let elapsed = try await ContinuousClock().measure { try await base.start(container) }
        starts.withLock { $0.append(elapsed) }
    }
}
