import Foundation
import HummingbirdTesting
import Registry
import TestSupport
import Testing

/// `dormouse dispatch` and `dormouse tasks ...`, run as the built binary against a server on loopback.
@Suite("CLI tasks", .tags(.process), .outsideUnitLane)
struct CLITasksTests {
    @Test func dispatchWithWaitShowsTheResult() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            _ = try await cli("agents", "create", "w1", "--image", "busybox", "--exec", "worker")
            let waited = try await cli("dispatch", "w1", "hello", "--wait")
            #expect(waited.status == 0, "\(waited)")
            #expect(waited.stdout.contains("status   succeeded"))
            #expect(waited.stdout.contains("exit     0"))
            #expect(waited.stdout.contains("(cold start)"))
            #expect(waited.stdout.hasSuffix("output:\nhello\n"))
            #expect(waited.stderr.isEmpty, "no progress line when standard error is not a terminal")

            let json = try await cli("dispatch", "w1", #"{"b": [1, 2], "a": true}"#, "--wait", "--json")
            #expect(json.json["output"].string == #"{"b":[1,2],"a":true}"#, "\(json)")
            #expect(json.json["cold_start"] == .bool(false))

            let piped = try await cli("dispatch", "w1", "-", "--wait", "--json", stdin: "from stdin\n")
            #expect(piped.json["payload"].string == "from stdin", "\(piped)")
            #expect(piped.json["output"].string == "from stdin")
        }
    }

    @Test func dispatchWithoutWaitThenTasksShowAndList() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            _ = try await cli("agents", "create", "w1", "--image", "busybox", "--exec", "worker")
            let queued = try await cli("dispatch", "w1", "42")
            #expect(queued.status == 0, "\(queued)")
            #expect(queued.stdout.hasPrefix("queued task "))
            let id = try #require(queued.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
            // Tasks run in order, so once a later one finished the first has too.
            #expect(try await cli("dispatch", "w1", "2", "--wait").status == 0)

            let shown = try await cli("tasks", "show", id, "--json").json
            #expect(shown["id"].string == id)
            #expect(shown["payload"] == .integer(42))
            #expect(shown["status"].string == "succeeded")
            let human = try await cli("tasks", "show", id)
            #expect(human.stdout.hasPrefix("task     \(id)\n"), "\(human)")
            #expect(human.stdout.contains("payload  42"))

            let all = try await cli("tasks", "list", "--agent", "w1", "--json")
            #expect(all.json["tasks"].array.count == 2, "\(all)")
            let one = try await cli("tasks", "list", "--agent", "w1", "--status", "succeeded", "--limit", "1", "--json")
            #expect(one.json["tasks"].array.count == 1)
            let table = try await cli("tasks", "list", "--agent", "w1")
            #expect(table.stdout.hasPrefix("ID  "))
            #expect(table.stdout.contains(id))
        }
    }

    @Test func payloadsAreShownByteExactAndTooDeepIsRefusedBeforeSending() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            _ = try await cli("agents", "create", "w1", "--image", "busybox", "--exec", "worker")
            let payload = #"{"n":12345678901234567890,"x":1.0,"z":-0.0,"a":[1E+2]}"#
            let sent = try await cli("dispatch", "w1", payload, "--wait")
            #expect(sent.stdout.contains("payload  \(payload)\n"), "\(sent)")
            #expect(sent.stdout.hasSuffix("output:\n\(payload)\n"))

            let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
            let refused = try await cli("dispatch", "w1", deep)
            #expect(refused.status == 65, "\(refused)")
            #expect(refused.stderr.contains("64 levels"))
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.count == 1)
        }
    }

    @Test func aTaskThatFailsExits2() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let cli = CLIProcess(port: client.client.port)
            _ = try await cli(
                "agents", "create", "h1", "--host-command", "/bin/sh", "--host-command=-c", "--host-command", "exit 3")
            let failed = try await cli("dispatch", "h1", "x", "--wait")
            #expect(failed.status == 2, "\(failed)")
            #expect(failed.stdout.contains("exit     3"))
            #expect(failed.stderr.contains("failed"))
        }
    }
}
