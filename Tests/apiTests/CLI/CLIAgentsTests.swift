import Foundation
import HummingbirdTesting
import Registry
import TestSupport
import Testing

/// `dormouse agents ...`, run as the built binary against a server on loopback.
@Suite("CLI agents", .tags(.process), .outsideUnitLane)
struct CLIAgentsTests {
    @Test func createListShowUpdateAndDelete() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let cli = CLIProcess(port: client.client.port)
            let created = try await cli(
                "agents", "create", "w1", "--image", "busybox", "--command", "sleep", "infinity", "--env", "A=1",
                "--idle-timeout", "30", "--exec", "worker")
            #expect(created.status == 0, "\(created)")
            #expect(created.stdout.hasPrefix("created agent w1\n"))
            #expect(try await cli("agents", "create", "h1", "--host-command", "/bin/cat", "--timeout", "5").status == 0)

            let table = try await cli("agents", "list")
            #expect(table.status == 0, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("NAME  ") == true)
            #expect(lines.contains { $0.hasPrefix("h1") && $0.contains("host") && $0.contains("—") })
            #expect(lines.contains { $0.hasPrefix("w1") && $0.contains("stopped") && $0.contains("exec worker") })
            #expect(!table.stdout.contains("\u{1B}"), "no colour when not a terminal")
            #expect(try await cli("agents", "list", "--json").json["agents"].array.count == 2)

            let shown = try await cli("agents", "show", "w1", "--json").json
            #expect(shown["container"]["command"] == .array([.string("sleep"), .string("infinity")]))
            #expect(shown["container"]["env"] == .object(["A": .string("1")]))
            #expect(shown["idle_timeout_s"].int == 30)
            let human = try await cli("agents", "show", "h1")
            #expect(human.stdout.contains("dispatch         command /bin/cat (timeout 5 s)"), "\(human)")
        }
    }

    @Test func updateSendsAMergePatchOfTheFlagsGiven() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            _ = try await cli("agents", "create", "w1", "--image", "busybox", "--env", "A=1", "--exec", "worker")
            let updated = try await cli(
                "agents", "update", "w1", "--idle-timeout", "45", "--env", "B=2", "--timeout", "9", "--json")
            #expect(updated.status == 0, "\(updated)")
            let agent = updated.json
            #expect(agent["idle_timeout_s"].int == 45)
            #expect(agent["container"]["image"].string == "busybox")
            #expect(agent["container"]["env"] == .object(["A": .string("1"), "B": .string("2")]))
            #expect(agent["dispatch"]["argv"] == .array([.string("worker")]))
            #expect(agent["dispatch"]["timeout_s"].int == 9)

            let fromFile = try await cli("agents", "update", "w1", "--file", "-", "--json", stdin: #"{"max_queue": 7}"#)
            #expect(fromFile.json["max_queue"].int == 7, "\(fromFile)")
            #expect(try await cli("agents", "update", "w1").status == 64)
        }
    }

    @Test func createFromAFileThenDelete() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let cli = CLIProcess(port: client.client.port)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(TasksAPITests.agent("f1").utf8).write(to: file)
            let created = try await cli("agents", "create", "f1", "--file", file.path, "--json")
            #expect(created.status == 0, "\(created)")
            #expect(created.json["name"].string == "f1")
            let fromStdin = try await cli(
                "agents", "create", "f2", "--file", "-",
                stdin: #"{"mode": "host", "dispatch": {"type": "command", "argv": ["cat"]}}"#)
            #expect(fromStdin.status == 0, "\(fromStdin)")
            #expect(try await cli("agents", "create", "other", "--file", file.path).status == 65)

            let deleted = try await cli("agents", "delete", "f1")
            #expect(deleted.status == 0 && deleted.stdout == "deleted agent f1\n", "\(deleted)")
            #expect(try await cli("agents", "show", "f1").status == 66)
        }
    }

    @Test func startAndStop() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            _ = try await cli("agents", "create", "w1", "--image", "busybox", "--exec", "worker")
            let started = try await cli("agents", "start", "w1")
            #expect(started.status == 0, "\(started)")
            #expect(started.stdout.hasPrefix("w1: started"))
            #expect(started.stdout.hasSuffix("(running)\n"))
            #expect(try await cli("agents", "start", "w1", "--json").json["result"].string == "already_running")
            let stopped = try await cli("agents", "stop", "w1")
            #expect(stopped.stdout == "w1: stopped (stopped)\n", "\(stopped)")
            #expect(try await cli("agents", "show", "w1").stdout.contains("starts           1 (0 failed)"))
        }
    }
}
