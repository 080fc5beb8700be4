import AsyncHTTPClient
import Lifecycle
import LifecycleTestKit
import Logging
import Testing

@testable import Lifecycle

/// The backends' small parts that need no engine: which engine events are the lifecycle's, and which backends
/// can pause and be weighed.
@Suite("Worker backends")
struct WorkerBackendTests {
    @Test(arguments: [
        (ContainerEvent.Action.start, WorkerEvent.Action?.some(.started)),
        (.die(exitCode: 0), .exited), (.stop, .exited), (.destroy, .removed), (.pause, .paused),
        (.unpause, .unpaused), (.healthy, nil), (.unhealthy, nil), (.other("exec_start"), nil),
    ])
    func containerEventsBecomeWorkerEvents(container: ContainerEvent.Action, worker: WorkerEvent.Action?) {
        #expect(WorkerEvent.Action(container) == worker)
    }

    @Test(arguments: [
        (SwarmServiceEvent.Action.update(oldReplicas: 0, newReplicas: 1), WorkerEvent.Action?.some(.started)),
        (.update(oldReplicas: nil, newReplicas: 2), .started), (.update(oldReplicas: 1, newReplicas: 0), .exited),
        (.update(oldReplicas: 1, newReplicas: 2), nil), (.update(oldReplicas: 0, newReplicas: 0), nil),
        (.update(oldReplicas: nil, newReplicas: nil), nil), (.remove, .removed), (.create, nil), (.other("x"), nil),
    ])
    func serviceScalesBecomeWorkerEvents(service: SwarmServiceEvent.Action, worker: WorkerEvent.Action?) {
        #expect(SwarmWorkerBackend.workerAction(service) == worker)
    }

    @Test func aContainerIsPausedAndThawedThroughItsBackend() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "warm", running: true)
        let logger = Logger(label: "test")
        let backend = ContainerWorkerBackend(
            target: .existing(name: "warm"), runtime: runtime,
            monitor: ContainerEventMonitor(runtime: runtime, logger: logger))
        #expect(backend.canPause)
        try await backend.pause(nil)
        #expect(try await backend.inspect(nil).isPaused)
        try await backend.unpause(nil)
        #expect(try await !backend.inspect(nil).isPaused)
    }

    @Test func aContainersMemoryIsReadFromItsEngine() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "warm", running: true)
        runtime.setMemoryUsage("warm", bytes: 48 << 20)
        let logger = Logger(label: "test")
        let backend = ContainerWorkerBackend(
            target: .existing(name: "warm"), runtime: runtime,
            monitor: ContainerEventMonitor(runtime: runtime, logger: logger))
        try await backend.pause(nil)
        #expect(try await backend.memoryUsage(nil) == 48 << 20)
        let id = try #require(runtime.container("warm")).id
        #expect(try await backend.memoryUsage(id) == 48 << 20)
        #expect(runtime.calls.suffix(2) == [.memoryUsage("warm"), .memoryUsage(id)])
    }

    @Test func aSwarmServiceCannotBePausedNorWeighedAndSaysSoWithoutAskingTheEngine() async throws {
        let client = DockerEngineRuntime.makeHTTPClient()
        let logger = Logger(label: "test")
        // Nothing listens there: a pause that reached the engine would fail as unreachable, not as a conflict.
        let engine = DockerEngineRuntime(
            endpoint: DockerEndpoint(dockerHost: "unix:///nonexistent/docker.sock")!, client: client, logger: logger)
        let backend = SwarmWorkerBackend(
            target: .existing(service: "web"),
            monitor: SwarmServiceMonitor(services: SwarmServices(engine: engine), logger: logger),
            nodeRuntime: { _ in nil }, logger: logger)
        #expect(!backend.canPause)
        await #expect { try await backend.pause(nil) } throws: { ($0 as? ContainerRuntimeError)?.isConflict == true }
        let weighed = await #expect(throws: ContainerRuntimeError.self) { try await backend.memoryUsage(nil) }
        #expect(weighed?.isConflict == true)
        #expect(weighed?.message.contains("never paused") == true)
        try await client.shutdown()
    }
}
