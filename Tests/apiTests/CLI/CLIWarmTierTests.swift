import Foundation
import HummingbirdTesting
import Registry
import TestSupport
import Testing

@testable import CLI
@testable import DormouseClient

/// The warm tier in the CLI, run as the built binary: `--pause-after` and `--no-pause`, the pause counters, and
/// a task or an operator start that thawed a paused worker.
@Suite("CLI warm tier", .tags(.process), .outsideUnitLane)
struct CLIWarmTierTests {
    @Test func pauseAfterIsSetShownChangedAndRemoved() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            let created = try await cli(
                "agents", "create", "w1", "--image", "busybox", "--idle-timeout", "600", "--pause-after", "30",
                "--exec", "worker")
            #expect(created.status == 0, "\(created)")
            #expect(try await cli("agents", "show", "w1", "--json").json["pause_after_s"].int == 30)
            let human = try await cli("agents", "show", "w1")
            #expect(human.stdout.contains("pause after      30 s\n"), "\(human)")
            #expect(human.stdout.contains("pauses           0 (0 failed)\n"), "\(human)")
            #expect(human.stdout.contains("resumes          0 (0 failed)\n"), "\(human)")

            let updated = try await cli("agents", "update", "w1", "--pause-after", "45", "--json")
            #expect(updated.json["pause_after_s"].int == 45, "\(updated)")
            #expect(updated.json["idle_timeout_s"].int == 600)
            let removed = try await cli("agents", "update", "w1", "--no-pause", "--json")
            #expect(removed.status == 0 && removed.json["pause_after_s"] == .null, "\(removed)")
            #expect(!(try await cli("agents", "show", "w1").stdout.contains("pause after")))

            #expect(try await cli("agents", "update", "w1", "--pause-after", "5", "--no-pause").status == 64)
            let refused = try await cli("agents", "update", "w1", "--pause-after", "600")
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("pause_after_s: must be less than idle_timeout_s (600)"), "\(refused)")
        }
    }

    @Test func aTaskOnAPausedWorkerReadsAsAResume() async throws {
        let app = TestApp()
        try await app.run { client in
            let cli = CLIProcess(port: client.client.port)
            try await client.post("/agents", WarmTierAPITests.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": 1}"#)
            try await WarmTierAPITests.idleToPause(app, client, events: 2)
            let list = try await cli("agents", "list")
            #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("w1") && $0.contains("paused") })

            let waited = try await cli("dispatch", "w1", "hello", "--wait")
            #expect(waited.status == 0, "\(waited)")
            #expect(waited.stdout.contains("wake     resumed from pause in 0 ms\n"), "\(waited)")
            #expect(!waited.stdout.contains("cold start"))
            let events = try await cli("events")
            #expect(events.stdout.contains("container.lazy_paused\tw1 paused after 10 s idle"), "\(events)")
            #expect(events.stdout.contains("container.lazy_resumed\tw1 woke from pause in 0.0 ms"), "\(events)")
        }
    }

    @Test func aStartOfAPausedWorkerReadsAsAResume() async throws {
        let app = TestApp()
        try await app.run { client in
            let cli = CLIProcess(port: client.client.port)
            try await client.post("/agents", WarmTierAPITests.agent)
            #expect(try await cli("agents", "start", "w1").stdout.hasPrefix("w1: started in "))
            try await WarmTierAPITests.idleToPause(app, client, events: 2)
            let started = try await cli("agents", "start", "w1")
            #expect(started.stdout == "w1: resumed in 0 ms (running)\n", "\(started)")
            #expect(try await cli("agents", "show", "w1").stdout.contains("resumes          1 (0 failed)\n"))
        }
    }
}

/// The CLI's wording for the warm tier, without a server.
@Suite("CLI warm tier wording")
struct CLIWarmTierWordingTests {
    static func task(coldStart: JSONValue, resumed: JSONValue, wake: JSONValue) -> JSONValue {
        .object(["cold_start": coldStart, "resumed": resumed, "wake_ms": wake])
    }

    @Test func aTaskSaysHowItsWorkerWoke() {
        #expect(
            TaskFormat.wake(Self.task(coldStart: .bool(true), resumed: .bool(false), wake: .integer(312)))
                == "312 ms (cold start)")
        #expect(
            TaskFormat.wake(Self.task(coldStart: .bool(false), resumed: .bool(true), wake: .integer(18)))
                == "resumed from pause in 18 ms")
        #expect(TaskFormat.wake(Self.task(coldStart: .bool(false), resumed: .bool(false), wake: .null)) == "warm")
        // A task stored before the warm tier has no resumed member: it reads as it did.
        #expect(TaskFormat.wake(.object(["cold_start": .bool(false), "wake_ms": .null])) == "warm")
        #expect(TaskFormat.wake(Self.task(coldStart: .null, resumed: .null, wake: .null)) == "—")
    }

    @Test(arguments: [
        ("stopped", "waking w1"), ("paused", "resuming w1"), ("pausing", "resuming w1"), ("resuming", "resuming w1"),
        ("running", "waiting for w1"), (nil, "waiting for w1"),
    ])
    func dispatchSaysWhatItWaitsFor(state: String?, label: String) {
        #expect(DispatchCommand.progressLabel(name: "w1", lifecycleState: state) == label)
    }

    @Test func statesHaveTheirColours() {
        #expect(AgentFormat.paintState("paused") == ANSI.cyan("paused"))
        #expect(AgentFormat.paintState("pausing") == ANSI.yellow("pausing"))
        #expect(AgentFormat.paintState("resuming") == ANSI.yellow("resuming"))
        #expect(AgentFormat.paintState("running") == ANSI.green("running"))
    }
}
