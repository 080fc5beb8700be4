import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

/// Only containers that opted in, against the real engine: a container of someone else's, without
/// `dev.dormouse.enable=true`, is refused when an agent names it and at every start, and nothing runs in it.
@Suite(
    "Opt-in label against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerOptInTests {
    static func agent(_ name: String, container: String) -> String {
        """
        {"name": "\(name)", "mode": "container", "container": {"name": "\(container)"},
         "dispatch": {"type": "exec", "argv": ["touch", "/tmp/pwned"]}}
        """
    }

    /// A `sleep 3600` busybox container without the label, as someone else's would be.
    static func createUnlabelled(_ name: String, on runtime: DockerEngineRuntime) async throws {
        _ = try await runtime.create(ContainerSpec(name: name, image: DockerFixture.image, command: ["sleep", "3600"]))
    }

    @Test func anUnlabelledContainerIsRefusedAtDeclarationAndAtStart() async throws {
        let theirs = DockerFixture.uniqueName("theirs")
        let later = DockerFixture.uniqueName("later")
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([theirs, later], on: runtime) {
                try await Self.createUnlabelled(theirs, on: runtime)
                try await runtime.start(theirs)
                try await TestApp(runtime: runtime).run { client in
                    var reply = try await client.post("/agents", Self.agent("a1", container: theirs))
                    #expect(reply.status == .unprocessableContent)
                    #expect(reply.json["errors"].array.map { $0["field"].string } == ["container.name"])
                    #expect(reply.json["detail"].string?.contains("dev.dormouse.enable=true") == true)

                    // Declared before the container exists: accepted, and refused when it is to be started.
                    #expect(try await client.post("/agents", Self.agent("a2", container: later)).status == .created)
                    try await Self.createUnlabelled(later, on: runtime)
                    reply = try await client.post("/agents/a2/start")
                    #expect(reply.status == .conflict)
                    #expect(reply.json["detail"].string?.contains("dev.dormouse.enable=true") == true)
                    #expect(try await runtime.inspect(later).isRunning == false)

                    // Changing an agent onto it is refused too.
                    let patch = #"{"container": {"name": "\#(theirs)"}}"#
                    #expect(try await client.send(.patch, "/agents/a2", json: patch).status == .unprocessableContent)

                    // Running it by hand does not let a task in: the task fails with the reason, nothing ran inside,
                    // and Dormouse neither stops nor removes it.
                    try await runtime.start(later)
                    let task = try await client.post("/agents/a2/tasks?wait=true", #"{"payload": 1}"#).json
                    #expect(task["status"].string == "failed")
                    #expect(task["error"].string?.contains("dev.dormouse.enable=true") == true, "\(task)")
                    let probe = try await runtime.exec(later, ExecRequest(argv: ["test", "-e", "/tmp/pwned"]))
                    #expect(probe.exitCode == 1)
                    #expect(try await client.post("/agents/a2/stop").json["result"].string == "already_stopped")
                    #expect(try await client.send(.delete, "/agents/a2").status == .noContent)
                    #expect(try await runtime.inspect(later).isRunning)
                    #expect(try await runtime.inspect(theirs).isRunning)
                }
            }
        }
    }
}
