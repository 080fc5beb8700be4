import Foundation
import HTTPTypes
import Registry
import TestSupport
import Testing

/// A payload reaches a real worker byte for byte: an exec worker in a container of the test image prints
/// `DORMOUSE_PAYLOAD` back, and the output must be the payload exactly as it was sent.
@Suite(
    "Byte-exact payloads against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerPayloadTests {
    @Test func anExecWorkerReceivesThePayloadExactlyAsSent() async throws {
        let container = DockerFixture.uniqueName("payload")
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                try await TestApp(runtime: runtime).run { client in
                    let agent = """
                        {"name": "echo", "mode": "container",
                         "container": {"name": "\(container)", "image": "\(DockerFixture.image)",
                                       "command": ["sleep", "3600"]},
                         "dispatch": {"type": "exec", "argv": ["sh", "-c", "printf %s \\"$DORMOUSE_PAYLOAD\\""]}}
                        """
                    #expect(try await client.post("/agents", agent).status == .created)
                    let payload = PayloadJSONTests.exactPayload
                    let task = try await client.post("/agents/echo/tasks?wait=true", #"{"payload": \#(payload)}"#)
                    #expect(task.json["status"].string == "succeeded", "\(task.json["error"])")
                    #expect(task.json["output"].string == payload)
                    let id = try #require(task.json["id"].string)
                    #expect(try await client.get("/tasks/\(id)").text.contains(#""payload":\#(payload)"#))
                }
            }
        }
    }
}
