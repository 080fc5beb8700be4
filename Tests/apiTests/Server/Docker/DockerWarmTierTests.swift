import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// The warm tier against the real engine, in real time: an idle worker is frozen by the engine after
/// `pause_after_s`, and the next task (an exec, which the engine refuses on a paused container with 409) thaws it
/// first and succeeds, reported as a resume.
@Suite(
    "Warm tier against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane, .timeLimit(.minutes(2)))
struct DockerWarmTierTests {
    static let engine = DockerCLI(host: DockerFixture.endpoint.description)

    /// `docker inspect`'s own word on whether the container is frozen.
    static func enginePaused(_ container: String) async throws -> Bool {
        try await engine.run(["inspect", "--format", "{{.State.Paused}}", container]).text == "true"
    }

    @Test func aPausedWorkerIsThawedForTheNextExecAndReportsAResume() async throws {
        let container = DockerFixture.uniqueName("warm")
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                let app = TestApp(runtime: runtime, realTime: true)
                try await app.run { client in
                    let agent = """
                        {"name": "warm", "mode": "container", "idle_timeout_s": 600, "pause_after_s": 1,
                         "container": {"name": "\(container)", "image": "\(DockerFixture.image)",
                                       "command": ["sleep", "3600"]},
                         "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo \\"hello $DORMOUSE_PAYLOAD\\""]}}
                        """
                    #expect(try await client.post("/agents", agent).status == .created)
                    let first = try await client.post("/agents/warm/tasks?wait=true", #"{"payload": "a"}"#).json
                    #expect(first["status"].string == "succeeded" && first["cold_start"] == .bool(true), "\(first)")

                    try await poll("the worker paused", within: .seconds(20), every: .milliseconds(100)) {
                        try await client.get("/agents/warm").json["state"]["lifecycle_state"].string == "paused"
                    }
                    #expect(try await Self.enginePaused(container))

                    let second = try await client.post("/agents/warm/tasks?wait=true", #"{"payload": "b"}"#).json
                    #expect(second["status"].string == "succeeded", "\(second)")
                    #expect(second["output"].string == "hello b\n")
                    #expect(second["cold_start"] == .bool(false) && second["resumed"] == .bool(true), "\(second)")
                    let wake = try #require(second["wake_ms"].double)
                    #expect(wake > 0 && wake < 5_000, "a thaw took \(wake) ms")
                    #expect(try await !Self.enginePaused(container))

                    let events = try await client.get("/agents/warm/events").json["events"].array
                    #expect(events.map { $0["type"].string } == ["lazy_start", "lazy_pause", "lazy_resume"])
                    #expect(events[1]["detail"]["idle_seconds"].double ?? 0 >= 1)
                    #expect(events[2]["detail"]["latency_ms"].double ?? 0 > 0)
                    // The engine's own pause and unpause events were Dormouse's: no reconcile row came of them.
                    #expect(!events.contains { $0["detail"]["trigger"].string == "reconcile" })
                }
            }
        }
    }
}
