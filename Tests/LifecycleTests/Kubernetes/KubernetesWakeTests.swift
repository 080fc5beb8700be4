import Synchronization
import TestSupport
import Testing

@testable import Lifecycle

@Suite("KubernetesWorkerBackend wake and stop against the fake API server", .timeLimit(.minutes(1)))
struct KubernetesWakeTests {
    @Test func aWakeScalesUpAndIsReadyOnlyOnceTheWatchShowsAReadyReplica() async throws {
        try await KubernetesHarness.with { harness in
            let worker = try await harness.resolve()
            #expect(!worker.isRunning && !worker.isReady)
            let finished = Mutex(false)
            let wake = Task {
                try await harness.backend.wake(worker, notBefore: 0)
                finished.withLock { $0 = true }
            }
            // The controller has caught up (a pod exists, generation observed) and the watch has shown it, but the
            // pod is not ready: the wake still waits.
            let scaled = try await harness.watched { $0?.desiredReplicas == 1 && $0?.replicas == 1 }
            #expect(scaled?.observedGeneration == scaled?.generation && scaled?.readyReplicas == 0)
            #expect(harness.scaleCalls == ["GET 200", "PUT 200"])
            // Its wait is still pending (a ready state would have resolved it under the monitor's lock).
            try await waitUntil(within: .seconds(5)) { harness.monitor.waiterCount(of: harness.ref) == 1 }
            #expect(!finished.withLock { $0 })
            harness.fake.markReady("worker", namespace: "agents")
            try await wake.value
            #expect(finished.withLock { $0 })
            // Ready came from the watch: the Deployment itself was read once (the resolve), never polled.
            let reads = harness.fake.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/deployments/worker") }
            #expect(reads.count == 1)
            #expect(try await harness.backend.inspect(nil).isReady)
        }
    }

    @Test func aWakeOfAReadyWorkerWritesNothing() async throws {
        try await KubernetesHarness.with(replicas: 1) { harness in
            let worker = try await harness.resolve()
            #expect(worker.isReady)
            try await harness.backend.wake(worker, notBefore: 0)
            #expect(harness.scaleCalls.isEmpty)
        }
    }

    @Test func aScaleToZeroDuringAWakeFailsItAsNotReady() async throws {
        try await KubernetesHarness.with { harness in
            let worker = try await harness.resolve()
            let wake = Task { try await harness.backend.wake(worker, notBefore: 0) }
            try await harness.watched { $0?.desiredReplicas == 1 }
            try await waitUntil { harness.monitor.waiterCount(of: harness.ref) == 1 }
            harness.fake.scale("worker", namespace: "agents", to: 0)
            let error = await #expect(throws: ContainerRuntimeError.self) { try await wake.value }
            #expect(error?.isNotReady == true)
        }
    }

    @Test func anIdleStopScalesToZeroAndWaitsForThePodToGo() async throws {
        try await KubernetesHarness.with(replicas: 1) { harness in
            let worker = try await harness.resolve()
            #expect(worker.isRunning)
            try await harness.backend.stop(worker.id, grace: .seconds(10))
            #expect(harness.scaleCalls == ["GET 200", "PUT 200"])
            let stored = try #require(harness.fake.deployment("worker", namespace: "agents"))
            #expect(stored.specReplicas == 0 && stored.statusReplicas == 0)
            #expect(harness.monitor.snapshot(of: harness.ref)??.isDown == true)
            let status = try await harness.backend.inspect(nil)
            #expect(!status.isRunning)
        }
    }

    @Test func aKubernetesWorkerIsReachedOverHTTPAtItsServiceName() async throws {
        try await KubernetesHarness.with(replicas: 1) { harness in
            let reach = try await harness.backend.reach(nil)
            #expect(reach.httpHost == "worker.agents.svc")
            #expect(reach.runtime == nil)
            #expect(!harness.backend.canPause)
        }
    }
}
