import Foundation
import Lifecycle
import TestSupport
import Testing

@Suite(
    "DockerEngineRuntime against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerEngineRuntimeTests {
    @Test func negotiatesTheAPIVersion() async throws {
        try await DockerFixture.withRuntime { runtime in
            let version = try await runtime.negotiateVersion()
            #expect(!version.engineVersion.isEmpty)
            #expect(version.negotiatedAPIVersion.hasPrefix("1."))
        }
    }

    @Test func createStartInspectStopRemove() async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = DockerFixture.uniqueName("crud")
            let id = try await runtime.create(
                ContainerSpec(
                    name: name, image: DockerFixture.image, command: ["sleep", "3600"], environment: ["A": "1"],
                    labels: ContainerLabels.forInstance(
                        "crud", spec: ContainerSpec(name: name, image: DockerFixture.image))))
            try await DockerFixture.removing([name], on: runtime) {
                var status = try await runtime.inspect(name)
                #expect(status.id == id && status.name == name && !status.isRunning)
                #expect(ContainerLabels.belongs(status.labels, to: "crud"))
                try await runtime.start(id)
                try await runtime.start(id)  // idempotent
                status = try await runtime.inspect(id)
                #expect(status.isRunning)
                try await runtime.pause(id)
                #expect(try await runtime.inspect(id).isPaused)
                try await runtime.unpause(id)
                try await runtime.stop(id, timeout: .seconds(5))
                try await runtime.stop(id, timeout: .seconds(5))  // idempotent
                status = try await runtime.inspect(id)
                #expect(!status.isRunning)
            }
        }
    }

    @Test func errorsCarryTheEngineMessage() async throws {
        try await DockerFixture.withRuntime { runtime in
            let missing = DockerFixture.uniqueName("missing")
            let error = await #expect(throws: ContainerRuntimeError.self) { try await runtime.inspect(missing) }
            #expect(error?.isNotFound == true)
            #expect(error?.message.localizedCaseInsensitiveContains("No such container") == true)
            let imageError = await #expect(throws: ContainerRuntimeError.self) {
                try await runtime.create(ContainerSpec(name: missing, image: "dormouse-test/absent:none"))
            }
            #expect(imageError?.isNotFound == true)
            #expect(imageError?.message.localizedCaseInsensitiveContains("No such image") == true)
        }
    }

    @Test func unreachableEngineIsReportedAsUnavailable() async throws {
        try await DockerFixture.withRuntime { _ in
            let client = HTTPClientHolder()
            defer { client.shutdown() }
            let runtime = DockerEngineRuntime(
                endpoint: DockerEndpoint(dockerHost: "unix:///nonexistent/docker.sock")!, client: client.client,
                logger: DockerFixture.logger)
            let error = await #expect(throws: ContainerRuntimeError.self) { try await runtime.inspect("x") }
            #expect(error?.isEngineUnavailable == true)
            #expect(error?.message.contains("unreachable") == true)
        }
    }
}
