import Foundation
import HTTPTypes
import Lifecycle
import TestSupport
import Testing

/// A task that outlives `dispatch.timeout_s` is recorded as timed out and its processes do not run on.
@Suite(
    "Dispatch timeouts against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerTimeoutTests {
    // The time limit guards against a hang waiting for an engine event; the timeout itself is the test clock's.
    @Test(.timeLimit(.minutes(1)))
    func aTimedOutExecIsRecordedAndItsProcessesAreKilled() async throws {
        let container = DockerFixture.uniqueName("timeout")
        let agent = """
            {"name": "slow", "mode": "container",
             "container": {"name": "\(container)", "image": "\(DockerFixture.image)", "command": ["sleep", "3600"]},
             "dispatch": {"type": "exec", "argv": ["sh", "-c", "sleep 4444 & sleep 5555"], "timeout_s": 2}}
            """
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                let engine = EngineEvents(try await runtime.events(since: nil, actions: nil), container: container)
                let app = TestApp(runtime: runtime)
                let clock = app.clock
                try await app.run { client in
                    #expect(try await client.post("/agents", agent).status == .created)
                    async let finished = client.postConcurrently("/agents/slow/tasks?wait=true", #"{"payload": 1}"#)
                    _ = try await engine.next(prefix: "exec_start")
                    await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(2)))
                    clock.advance(by: .seconds(2))
                    let task = try await finished.json
                    #expect(task["status"].string == "timed_out")
                    #expect(task["error"].string?.contains("within 2 s") == true, "\(task["error"])")

                    let left = try await runtime.exec(
                        container,
                        ExecRequest(argv: ["sh", "-c", "grep -l -e '4[4]44' -e '5[5]55' /proc/[0-9]*/cmdline"]))
                    #expect(left.output == "", "still running: \(left.output)")
                }
            }
        }
    }
}
