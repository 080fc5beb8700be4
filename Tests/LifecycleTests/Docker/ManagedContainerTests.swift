import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

/// Containers Dormouse creates: replaced when their definition changed, removed when asked, and an operator's
/// container never touched.
@Suite("Managed containers")
struct ManagedContainerTests {
    static let current = ContainerSpec(
        name: "dormouse-worker", image: "busybox", command: ["sleep", "3600"], environment: ["GREETING": "two"])
    static let earlier = ContainerSpec(
        name: "dormouse-worker", image: "busybox", command: ["sleep", "3600"], environment: ["GREETING": "one"])

    @Test func theFingerprintFollowsWhatTheContainerRunsNotItsNameOrLabels() {
        var renamed = Self.current
        renamed.name = "elsewhere"
        renamed.labels = ["team": "a"]
        #expect(renamed.fingerprint == Self.current.fingerprint)
        #expect(Self.earlier.fingerprint != Self.current.fingerprint)
        var otherCommand = Self.current
        otherCommand.command = ["sleep", "36", "00"]
        #expect(otherCommand.fingerprint != Self.current.fingerprint)
        var noCommand = Self.current
        noCommand.command = nil
        #expect(noCommand.fingerprint != Self.current.fingerprint)
        var otherImage = Self.current
        otherImage.image = "busybox:1"
        #expect(otherImage.fingerprint != Self.current.fingerprint)
        #expect(Self.current.fingerprint.count == 16)
    }

    @Test func aStoppedContainerFromAnEarlierDefinitionIsReplacedAtTheNextStart() async throws {
        let harness = Harness()
        let old = harness.runtime.addContainer(
            name: "dormouse-worker", image: "busybox",
            labels: ContainerLabels.forInstance("worker", spec: Self.earlier))
        let controller = harness.controller(target: .managed(Self.current))
        try await harness.run {
            let value = try await controller.acquire().isColdStart
            #expect(value)
            #expect(harness.runtime.callCount { $0 == .remove(old) } == 1)
            #expect(harness.runtime.container(old) == nil)
            let replacement = try #require(harness.runtime.container("dormouse-worker"))
            #expect(replacement.id != old && replacement.isRunning)
            #expect(ContainerLabels.isCurrent(replacement.labels, for: Self.current))
            #expect(ContainerLabels.belongs(replacement.labels, to: "worker"))

            // The replaced container's destroy, delivered late, is not the new run stopping.
            harness.runtime.emit(old, .destroy, name: "dormouse-worker")
            await harness.monitor.waitUntilDelivered(harness.runtime.emittedCount)
            #expect(await controller.snapshot.phase == .running)
            #expect(await controller.snapshot.workerID == replacement.id)
            #expect(harness.recorder.types == ["lazy_start"])
        }
    }

    @Test func aContainerFromTheCurrentDefinitionIsStartedAsItIs() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(
            name: "dormouse-worker", image: "busybox",
            labels: ContainerLabels.forInstance("worker", spec: Self.current))
        let controller = harness.controller(target: .managed(Self.current))
        try await harness.run {
            _ = try await controller.acquire()
            #expect(harness.runtime.removeCount == 0)
            #expect(harness.runtime.container(id)?.isRunning == true)
        }
    }

    @Test func aRunningContainerFromAnEarlierDefinitionIsAdoptedUntilItsNextStart() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(
            name: "dormouse-worker", image: "busybox", running: true,
            labels: ContainerLabels.forInstance("worker", spec: Self.earlier))
        let controller = harness.controller(target: .managed(Self.current))
        try await harness.run {
            // On boot a lazy worker's running container is adopted as it is and idles out.
            await controller.reconcile()
            #expect(await controller.snapshot.phase == .running)
            #expect(harness.runtime.removeCount == 0)
            #expect(await controller.snapshot.workerID == id)
        }
    }

    @Test func aHotWorkerFromAnEarlierDefinitionIsReplacedWhenItIsBroughtUp() async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(
            name: "dormouse-worker", image: "busybox", running: true,
            labels: ContainerLabels.forInstance("worker", spec: Self.earlier))
        let controller = harness.controller(target: .managed(Self.current), policy: LifecyclePolicy(mode: .hot))
        try await harness.run {
            // Bringing a hot worker up starts it: no lease is held, so nothing dispatched runs in the old one.
            _ = try await controller.start(trigger: .boot)
            #expect(harness.runtime.container(id) == nil)
            let replacement = try #require(harness.runtime.container("dormouse-worker"))
            #expect(replacement.isRunning && ContainerLabels.isCurrent(replacement.labels, for: Self.current))
        }
    }

    @Test func removingTakesTheCreatedContainerEvenWhileItRuns() async throws {
        let harness = Harness()
        let controller = harness.controller(target: .managed(Self.current))
        try await harness.run {
            _ = try await controller.acquire()
            let id = try #require(harness.runtime.container("dormouse-worker")?.id)
            await controller.shutdown()
            #expect(try await controller.removeManagedContainer())
            #expect(harness.runtime.container(id) == nil)
            #expect(try await !controller.removeManagedContainer())  // already gone
        }
    }

    @Test(arguments: [
        ("an operator's container", ContainerTarget.existing(name: "dormouse-worker"), [String: String]()),
        ("a foreign container under the name", .managed(current), ["owner": "someone-else"]),
    ])
    func removingNeverTouchesAContainerDormouseDidNotCreate(
        _ what: String, target: ContainerTarget, labels: [String: String]
    ) async throws {
        let harness = Harness()
        let id = harness.runtime.addContainer(name: "dormouse-worker", running: true, labels: labels)
        let controller = harness.controller(target: target)
        await controller.shutdown()
        #expect(try await !controller.removeManagedContainer(), "\(what)")
        #expect(harness.runtime.container(id)?.isRunning == true, "\(what)")
        #expect(harness.runtime.removeCount == 0, "\(what)")
    }

    @Test func theFakeEngineRefusesToRemoveARunningContainerWithoutForce() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let id = runtime.addContainer(name: "w", running: true)
        let refusal = await #expect(throws: ContainerRuntimeError.self) { try await runtime.remove(id, force: false) }
        #expect(refusal?.isConflict == true)
        try await runtime.remove(id, force: true)
        try await runtime.remove(id, force: true)  // gone is done
        #expect(runtime.container(id) == nil)
    }
}
