import Logging
import TestSupport
import Testing

@testable import Lifecycle

/// Swarm has no task events: a wake polls the service's tasks. On an engine Dormouse reaches, the containers of
/// the tasks do have events, and those move the poll on. Here the poll interval is an hour, so only the events can.
@Suite(
    "Swarm tasks followed through their containers' events",
    .enabled(SwarmFixture.skipReason) { await SwarmFixture.enabled() }, .serialized, .tags(.docker),
    .outsideUnitLane, .timeLimit(.minutes(2)))
struct SwarmContainerEventsTests {
    /// Stands in for the lifecycle controller, which this test does not need.
    final class Observer: WorkerEventObserver {
        func workerEvent(_ event: WorkerEvent) async {}
        func engineReconnected() async {}
    }

    @Test func aWakeAndASleepMoveOnAtTheContainersEventsNotAtThePoll() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("events")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0))
            try await SwarmFixture.removing([name], on: services) {
                let logger = Logger(label: "swarm-events-test")
                let containers = ContainerEventMonitor(runtime: services.engine, logger: logger)
                let following = Task { try await containers.run() }
                defer { following.cancel() }
                await containers.waitUntilConnected()
                let backend = SwarmWorkerBackend(
                    target: .existing(service: name),
                    monitor: SwarmServiceMonitor(services: services, logger: logger), nodeRuntime: { _ in nil },
                    containerMonitors: [containers], pollInterval: .seconds(3600), shutdownAllowance: .seconds(3600),
                    logger: logger)
                let observer = Observer()
                let worker = try await backend.resolve(knownID: nil, instance: "events", logger: logger)
                backend.observe(observer, ids: [worker.id])
                defer { backend.stopObserving() }
                #expect(!worker.isRunning)

                try await backend.wake(worker, notBefore: 0)
                let woken = backend.taskChanged.generation
                #expect(woken > 0, "the wake ended without a container event")
                #expect(try await services.runningTask(of: worker.id) != nil)
                let reach = try await backend.reach(worker.id)
                #expect(!reach.container.isEmpty)

                try await backend.stop(worker.id, grace: .seconds(5))
                #expect(backend.taskChanged.generation > woken, "the sleep ended without a container event")
                #expect(try await services.runningTask(of: worker.id) == nil)
            }
        }
    }
}
