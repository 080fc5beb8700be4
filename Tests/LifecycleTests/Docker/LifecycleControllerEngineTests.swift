import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

@Suite("LifecycleController and the engine")
struct LifecycleControllerEngineTests {
    @Test func containerStoppedOutsideDormouseIsNoticed() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            let delivered = harness.monitor.deliveredCount
            harness.runtime.externallyStop(id)
            await harness.monitor.waitUntilDelivered(delivered + 1)
            #expect(await controller.snapshot.phase == .stopped)
            let value = try await controller.acquire().isColdStart
            #expect(value)
            #expect(harness.runtime.startCount == 2)
        }
    }

    @Test func containerStoppedWhileTheEngineWasAwayIsNoticedOnReconnect() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            harness.runtime.stopEngine()
            harness.runtime.externallyStop(id)  // nobody is subscribed to see this one
            await harness.clock.waitForSleepers { $0.contains(.init(offset: .milliseconds(100))) }
            harness.runtime.restartEngine()
            harness.clock.advance(by: .milliseconds(100))
            try await waitUntil { await controller.snapshot.phase == .stopped }
            #expect(harness.monitor.subscriptionCount == 2)
        }
    }

    @Test func anOperatorsContainerReCreatedUnderItsNameIsFollowed() async throws {
        let harness = Harness()
        let old = harness.runtime.addContainer(name: "worker")
        let controller = harness.controller()
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            // The operator replaces their container: `docker rm -f worker && docker run --name worker ...`.
            try await harness.runtime.remove(old, force: true)
            let new = harness.runtime.addContainer(name: "worker", running: true)
            harness.runtime.emit(new, .start)
            await harness.monitor.waitUntilDelivered(harness.runtime.emittedCount)
            #expect(await controller.snapshot.workerID == new)
            harness.runtime.externallyStop(new)
            await harness.monitor.waitUntilDelivered(harness.runtime.emittedCount)
            #expect(await controller.snapshot.phase == .stopped)
        }
    }

    @Test func managedContainerIsCreatedLabelledOnFirstNeed() async throws {
        let harness = Harness()
        let spec = ContainerSpec(name: "dormouse-worker", image: "busybox", command: ["sleep", "3600"])
        let controller = harness.controller(target: .managed(spec))
        try await harness.run {
            let value = try await controller.acquire().isColdStart
            #expect(value)
            let container = try #require(harness.runtime.container("dormouse-worker"))
            #expect(ContainerLabels.belongs(container.labels, to: "worker"))
            #expect(container.isRunning)
        }
    }

    @Test func foreignContainerWithTheSameNameIsNeverTouched() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "dormouse-worker", labels: ["owner": "someone-else"])
        let spec = ContainerSpec(name: "dormouse-worker", image: "busybox")
        let controller = harness.controller(target: .managed(spec))
        try await harness.run {
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            guard case .lazyStartFailed(let error) = await harness.recorder.waitFor(1)[0].kind else {
                Issue.record("expected lazy_start_failed")
                return
            }
            #expect(error.contains("not managed by Dormouse"))
            #expect(harness.runtime.startCount == 0)
        }
    }

    @Test(arguments: [
        (ContainerTarget.existing(name: "ghost"), "No such container: ghost"),
        (.managed(ContainerSpec(name: "w", image: "nope:latest")), "No such image: nope:latest"),
    ])
    func missingContainerOrImageFailsWithTheEngineMessage(target: ContainerTarget, message: String) async throws {
        let harness = Harness()
        let controller = harness.controller(target: target)
        try await harness.run {
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            #expect(await harness.recorder.waitFor(1)[0].kind == .lazyStartFailed(error: message))
        }
    }

    @Test func healthcheckedContainerIsReadyWhenHealthy() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker", hasHealthcheck: true)
        let controller = harness.controller()
        try await harness.run {
            let gate = harness.runtime.holdStarts()
            async let outcome = controller.acquire()
            await gate.waitForWaiters(1)
            harness.clock.advance(by: .milliseconds(40))
            gate.open()
            try await waitUntil { harness.runtime.container(id)?.isRunning == true }
            #expect(harness.recorder.events.isEmpty)
            harness.clock.advance(by: .milliseconds(60))
            harness.runtime.emit(id, .healthy)
            let value = try await outcome
            #expect(value == .cold(wake: .milliseconds(100)))
        }
    }

    @Test func oneEngineSubscriptionForManyInstances() async throws {
        let harness = Harness()
        let controllers = (0..<20).map { index in
            harness.runtime.addContainer(name: "worker-\(index)")
            return harness.controller("worker-\(index)")
        }
        try await harness.run {
            for controller in controllers { _ = try await controller.acquire() }
            #expect(harness.runtime.subscriberCount == 1)
            #expect(harness.runtime.startCount == 20)
        }
    }
}
