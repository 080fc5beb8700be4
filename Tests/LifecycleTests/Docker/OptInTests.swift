import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

/// Only containers that opted in: an operator's container without `dev.dormouse.enable=true` is never started,
/// stopped or exec'd into, however it comes to run.
@Suite("Containers that opted in")
struct OptInTests {
    @Test func anOperatorsContainerWithoutTheLabelIsRefusedAtStart() async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker", labels: ["owner": "someone"])
        let controller = harness.controller()
        try await harness.run {
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            guard case .lazyStartFailed(let error) = await harness.recorder.waitFor(1)[0].kind else {
                Issue.record("expected lazy_start_failed")
                return
            }
            #expect(error.contains("dev.dormouse.enable=true"))
            #expect(harness.runtime.startCount == 0)
        }
    }

    @Test(arguments: [
        [ContainerLabels.enable: "true"], [ContainerLabels.managed: "true", ContainerLabels.agent: "another"],
    ])
    func aContainerThatOptedInOrThatDormouseCreatedIsDriven(labels: [String: String]) async throws {
        let harness = Harness()
        harness.runtime.addContainer(name: "worker", labels: labels)
        let controller = harness.controller()
        try await harness.run {
            let outcome = try await controller.acquire()
            #expect(outcome.isColdStart)
        }
    }

    @Test func aContainerStartedUnderTheNameIsFollowedOnlyIfItOptedIn() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "worker", labels: [:])
        let controller = harness.controller(recorded: false)
        try await harness.run {
            try await harness.runtime.start(id)
            await harness.monitor.waitUntilDelivered(harness.runtime.emittedCount)
            #expect(await controller.snapshot.phase == .stopped)
            #expect(await controller.snapshot.workerID == nil)
            // A dispatch does not run in it: the start refuses it, and it is left running.
            await #expect(throws: ContainerRuntimeError.self) { try await controller.acquire() }
            #expect(harness.recorder.types == ["lazy_start_failed"])
            #expect(harness.runtime.callCount { if case .exec = $0 { true } else { false } } == 0)
            #expect(harness.runtime.stopCount == 0)
            #expect(harness.runtime.container(id)?.isRunning == true)
        }
    }
}
