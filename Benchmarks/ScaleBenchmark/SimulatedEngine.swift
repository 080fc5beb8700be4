import Lifecycle
import LifecycleTestKit

/// One simulated Docker engine: an `InMemoryContainerRuntime` whose calls take the time `EngineLatency` draws
/// (a non-blocking sleep before the fake engine acts, so a start's `start` event comes at the end of it).
final class SimulatedEngine: ContainerRuntime {
    let base: InMemoryContainerRuntime
    private let latency: EngineLatency

    init(_ base: InMemoryContainerRuntime, latency: EngineLatency) {
        self.base = base
        self.latency = latency
    }

    func ping() async throws -> String {
        try await wait(.inspect)
        return try await base.ping()
    }

    func inspect(_ container: String) async throws -> ContainerStatus {
        try await wait(.inspect)
        return try await base.inspect(container)
    }

    func create(_ spec: ContainerSpec) async throws -> String {
        try await wait(.other)
        return try await base.create(spec)
    }

    func start(_ container: String) async throws {
        try await wait(.start)
        try await base.start(container)
    }

    func stop(_ container: String, timeout: Duration) async throws {
        try await wait(.stop)
        try await base.stop(container, timeout: timeout)
    }

    func remove(_ container: String, force: Bool) async throws {
        try await wait(.other)
        try await base.remove(container, force: force)
    }

    func pause(_ container: String) async throws {
        try await wait(.other)
        try await base.pause(container)
    }

    func unpause(_ container: String) async throws {
        try await wait(.other)
        try await base.unpause(container)
    }

    func memoryUsage(_ container: String) async throws -> UInt64 {
        try await wait(.inspect)
        return try await base.memoryUsage(container)
    }

    func exec(_ container: String, _ request: ExecRequest) async throws -> ExecResult {
        try await wait(.exec)
        return try await base.exec(container, request)
    }

    func events(since: ContainerEvent.Timestamp?) async throws -> AsyncThrowingStream<ContainerEvent, any Error> {
        try await base.events(since: since)
    }

    private func wait(_ call: EngineLatency.Call) async throws {
        try await Task.sleep(for: latency.delay(of: call))
    }
}
