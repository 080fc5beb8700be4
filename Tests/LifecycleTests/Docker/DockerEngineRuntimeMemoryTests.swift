import Foundation
import Lifecycle
import TestSupport
import Testing

@Suite(
    "DockerEngineRuntime memory against the real engine", .enabled(if: DockerFixture.enabled), .serialized,
    .tags(.docker), .outsideUnitLane
)
struct DockerEngineRuntimeMemoryTests {
    static let mib: UInt64 = 1024 * 1024

    @Test func aPausedContainerWeighsWhatItHeldRunning() async throws {
        try await DockerEngineRuntimeExecTests.withContainer("memory") { runtime, name in
            // A tmpfs file's pages are charged to the writer's memory cgroup as shared memory, which is never
            // `inactive_file`: they count in `docker stats` and stay put, unlike a process's heap that ends with it.
            let hold = ExecRequest(argv: ["sh", "-c", "head -c \(32 * Self.mib) /dev/zero > /dev/shm/hold"])
            #expect(try await runtime.exec(name, hold).exitCode == 0)
            let running = try await runtime.memoryUsage(name)
            #expect(running >= 32 * Self.mib)
            #expect(running < 64 * Self.mib)
            try await runtime.pause(name)
            let paused = try await runtime.memoryUsage(name)
            #expect(max(paused, running) - min(paused, running) <= 4 * Self.mib)
        }
    }

    @Test func aContainerThatDoesNotRunHasNoFigure() async throws {
        try await DockerEngineRuntimeExecTests.withContainer("memory-stopped", started: false) { runtime, name in
            let created = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage(name) }
            #expect(created?.isConflict == true)
            #expect(created?.message.contains("not running") == true)
            try await runtime.start(name)
            #expect(try await runtime.memoryUsage(name) > 0)
            try await runtime.stop(name, timeout: .seconds(5))
            let stopped = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage(name) }
            #expect(stopped?.isConflict == true)
        }
    }

    @Test func aMissingContainerIsNotFound() async throws {
        try await DockerFixture.withRuntime { runtime in
            let missing = DockerFixture.uniqueName("memory-missing")
            let error = await #expect(throws: ContainerRuntimeError.self) { try await runtime.memoryUsage(missing) }
            #expect(error?.isNotFound == true)
            #expect(error?.message.localizedCaseInsensitiveContains("No such container") == true)
        }
    }
}
