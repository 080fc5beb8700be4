import Lifecycle
import LifecycleTestKit
import Testing

@Suite("InMemoryContainerRuntime memory")
struct InMemoryContainerRuntimeMemoryTests {
    @Test func aRunningContainerReportsTheDefaultUntilToldOtherwise() async throws {
        let runtime = InMemoryContainerRuntime()
        let id = runtime.addContainer(name: "worker", running: true)
        #expect(try await runtime.memoryUsage("worker") == InMemoryContainerRuntime.defaultMemoryBytes)
        #expect(runtime.setMemoryUsage(id, bytes: 48 << 20))
        #expect(try await runtime.memoryUsage(id) == 48 << 20)
        #expect(!runtime.setMemoryUsage("absent", bytes: 1))
        #expect(runtime.calls == [.memoryUsage("worker"), .memoryUsage(id)])
    }

    @Test func aPausedContainerStillReportsItsMemory() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "warm", running: true)
        runtime.setMemoryUsage("warm", bytes: 100 << 20)
        try await runtime.pause("warm")
        #expect(try await runtime.memoryUsage("warm") == 100 << 20)
    }

    @Test func theEngineRefusesWhatItWouldRefuse() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "stopped")
        let missing = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage("absent") }
        #expect(missing?.isNotFound == true)
        let stopped = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage("stopped") }
        #expect(stopped?.isConflict == true)
    }

    @Test func aDownEngineAndInjectedFailuresFailTheCall() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "worker", running: true)
        runtime.fail("memoryUsage", with: .engine(status: 500, message: "boom"))
        let injected = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage("worker") }
        #expect(injected?.status == 500)
        runtime.clearFailure("memoryUsage")
        runtime.stopEngine()
        let down = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage("worker") }
        #expect(down?.isEngineUnavailable == true)
        runtime.restartEngine()
        #expect(try await runtime.memoryUsage("worker") == InMemoryContainerRuntime.defaultMemoryBytes)
    }
}
