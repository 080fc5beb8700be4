import Lifecycle
import LifecycleTestKit
import Testing

@Suite("InMemoryContainerRuntime exec")
struct InMemoryContainerRuntimeExecTests {
    static let echo = ExecRequest(argv: ["worker"], environment: ["DORMOUSE_PAYLOAD": "hello"])

    @Test func theDefaultHandlerEchoesThePayload() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "worker", running: true)
        let result = try await runtime.exec("worker", Self.echo)
        #expect(result == ExecResult(exitCode: 0, output: "hello", outputTruncated: false))
        #expect(runtime.calls == [.exec("worker")])
    }

    @Test func theDefaultHandlerCutsAtTheLimit() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "worker", running: true)
        let request = ExecRequest(argv: ["worker"], environment: ["DORMOUSE_PAYLOAD": "aé€"], outputLimit: 5)
        let result = try await runtime.exec("worker", request)
        #expect(result == ExecResult(exitCode: 0, output: "aé", outputTruncated: true))
    }

    @Test func aSetHandlerAnswers() async throws {
        let runtime = InMemoryContainerRuntime()
        let id = runtime.addContainer(name: "worker", running: true)
        runtime.setExecHandler { container, request in
            ExecResult(
                exitCode: 3, output: "\(container) \(request.argv.joined(separator: " "))", outputTruncated: false)
        }
        let result = try await runtime.exec(id, ExecRequest(argv: ["sh", "-c", "exit 3"]))
        #expect(result == ExecResult(exitCode: 3, output: "\(id) sh -c exit 3", outputTruncated: false))
    }

    @Test func theEngineRefusesWhatItWouldRefuse() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "stopped")
        runtime.addContainer(name: "paused", running: true)
        try await runtime.pause("paused")
        let missing = await #expect(throws: ContainerRuntimeError.self) { try await runtime.exec("absent", Self.echo) }
        #expect(missing?.isNotFound == true)
        let stopped = await #expect(throws: ContainerRuntimeError.self) { try await runtime.exec("stopped", Self.echo) }
        #expect(stopped?.isConflict == true)
        let paused = await #expect(throws: ContainerRuntimeError.self) { try await runtime.exec("paused", Self.echo) }
        #expect(paused?.isConflict == true)
    }

    @Test func aDownEngineAndInjectedFailuresFailTheCall() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "worker", running: true)
        runtime.fail("exec", with: .engine(status: 500, message: "boom"))
        let injected = await #expect(throws: ContainerRuntimeError.self) { try await runtime.exec("worker", Self.echo) }
        #expect(injected?.status == 500)
        runtime.clearFailure("exec")
        runtime.stopEngine()
        let down = await #expect(throws: ContainerRuntimeError.self) { try await runtime.exec("worker", Self.echo) }
        #expect(down?.isEngineUnavailable == true)
        runtime.restartEngine()
        let result = try await runtime.exec("worker", Self.echo)
        #expect(result.output == "hello")
        #expect(runtime.calls == [.exec("worker"), .exec("worker"), .exec("worker")])
    }

    @Test func inspectGivesAnAddressWhileRunning() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let first = runtime.addContainer(name: "first", running: true)
        let second = try await runtime.create(ContainerSpec(name: "second", image: "busybox"))
        #expect(try await runtime.inspect(first).ipAddress == "10.0.0.1")
        #expect(try await runtime.inspect(second).ipAddress == nil)
        try await runtime.start(second)
        let address = try await runtime.inspect(second).ipAddress
        #expect(address == "10.0.0.2")
    }
}
