import Foundation
import HTTPTypes
import Lifecycle
import TestSupport
import Testing

/// A hot worker Dormouse created stays up: the engine restarts it when it exits on its own.
@Suite(
    "Hot workers against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerHotWorkerTests {
    // The time limit guards against a hang waiting for an event that never comes; nothing waits on a timer.
    @Test(.timeLimit(.minutes(1)))
    func aHotWorkerThatDiesIsStartedAgainAndStillTakesTasks() async throws {
        let container = DockerFixture.uniqueName("hot")
        let agent = """
            {"name": "always", "mode": "container", "lifecycle": "hot",
             "container": {"name": "\(container)", "image": "\(DockerFixture.image)", "command": ["sleep", "3600"]},
             "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo up"]}}
            """
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                let engine = EngineEvents(try await runtime.events(since: nil), container: container)
                try await TestApp(runtime: runtime).run { client in
                    #expect(try await client.post("/agents", agent).status == .created)
                    let id = try await engine.next(.start).containerID

                    // The worker's process dies on its own (not a stop through the API): the engine brings it back.
                    _ = try? await runtime.exec(id, ExecRequest(argv: ["sh", "-c", "kill $(pidof sleep)"]))
                    let died = try await engine.next(.die(exitCode: nil))
                    #expect(died.containerID == id)
                    #expect(try await engine.next(.start).containerID == id)
                    #expect(try await runtime.inspect(id).isRunning)

                    let task = try await client.post("/agents/always/tasks?wait=true", #"{"payload": 1}"#).json
                    #expect(task["status"].string == "succeeded", "\(task["error"])")
                    #expect(task["output"].string == "up\n")
                }
            }
        }
    }
}
