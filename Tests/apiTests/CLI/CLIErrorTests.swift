import Foundation
import HummingbirdTesting
import Lifecycle
import Logging
import Registry
import TestSupport
import Testing

/// The CLI's exit statuses, `--help` of every command, and `db prune`, run as the built binary.
@Suite("CLI errors", .tags(.process), .outsideUnitLane)
struct CLIErrorTests {
    @Test func serverErrorsBecomeExitStatusesWithTheProblemDetail() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            let missing = try await cli("agents", "show", "nobody")
            #expect(missing.status == 66, "\(missing)")
            #expect(missing.stderr.hasPrefix("dormouse: ") && missing.stderr.contains("(HTTP 404)"))
            #expect(missing.stdout.isEmpty)
            #expect(try await cli("dispatch", "nobody", "x").status == 66)
            #expect(try await cli("tasks", "show", "nope").status == 66)

            let invalid = try await cli(
                "agents", "create", "w1", "--image", "busybox", "--exec", "worker", "--max-concurrency", "0")
            #expect(invalid.status == 65, "\(invalid)")
            #expect(invalid.stderr.contains("max_concurrency"))
            _ = try await cli("agents", "create", "w1", "--image", "busybox", "--exec", "worker")
            #expect(try await cli("agents", "create", "w1", "--image", "busybox", "--exec", "worker").status == 65)
            #expect(try await cli("tasks", "list", "--agent", "w1", "--status", "done").status == 65)
        }
    }

    @Test func usageErrorsExit64() async throws {
        let cli = CLIProcess(port: 1)
        #expect(try await cli("agents", "show").status == 64)
        #expect(try await cli("agents", "create", "x", "--exec", "a", "--http-port", "1").status == 64)
        #expect(try await cli("agents", "create", "x", "--env", "novalue", "--exec", "a").status == 64)
        #expect(try await cli("db", "prune").status == 64)
        #expect(try await cli("db", "prune", "--older-than", "3 weeks").status == 64)
    }

    @Test func noServerExits69() async throws {
        let result = try await CLIProcess(port: 1)("agents", "list")
        #expect(result.status == 69, "\(result)")
        #expect(result.stderr.contains("cannot reach the server at http://127.0.0.1:1"))
    }

    @Test func aWrongTokenExits77() async throws {
        try await TestApp(token: "secret").run { client in
            let port = client.client.port
            let wrong = try await CLIProcess(port: port, token: "wrong")("agents", "list")
            #expect(wrong.status == 77, "\(wrong)")
            #expect(!wrong.stderr.contains("wrong"), "the token is never printed")
            #expect(try await CLIProcess(port: port)("agents", "list").status == 77)
            #expect(try await CLIProcess(port: port, token: "secret")("agents", "list").status == 0)
            #expect(try await CLIProcess(port: port)("agents", "list", "--token", "secret").status == 0)
        }
    }

    static let commands: [[String]] = [
        [], ["agents"], ["agents", "list"], ["agents", "show"], ["agents", "create"], ["agents", "update"],
        ["agents", "delete"], ["agents", "start"], ["agents", "stop"], ["dispatch"], ["tasks"], ["tasks", "show"],
        ["tasks", "list"], ["db"], ["db", "prune"], ["watch"], ["watch", "start"], ["watch", "stop"],
        ["watch", "status"], ["webhooks"], ["webhooks", "list"], ["webhooks", "add"], ["webhooks", "delete"],
    ]

    @Test(arguments: commands) func helpHasAnExample(_ command: [String]) async throws {
        let help = try await CLIProcess().run(command + ["--help"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("Example:"))
        #expect(help.stdout.contains("EXIT STATUS") || help.stdout.contains("Exit status:"))
    }

    @Test func dbPruneDeletesOldAuditRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prune-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: path) }
        let auditLog = try SQLiteAuditLog(database: try DormouseDatabase.open(path: path.path), logger: TestApp.logger)
        let now = WallClock.system.millisecondsSinceEpoch
        for age: Int64 in [40 * 86_400_000, 31 * 86_400_000, 60_000] {
            try await auditLog.record(
                LifecycleEvent(
                    instance: "w1", kind: .lazyStart(latency: .milliseconds(5)), timestampMilliseconds: now - age))
        }
        let cli = CLIProcess()
        let pruned = try await cli("db", "prune", "--older-than", "30d", "--db", path.path)
        #expect(pruned.status == 0, "\(pruned)")
        #expect(pruned.stdout == "deleted 2 audit rows from \(path.path)\n")
        let capped = try await cli("db", "prune", "--max-rows", "0", "--db", path.path, "--json")
        #expect(capped.json == .object(["deleted": .integer(1)]), "\(capped)")
        #expect(try await cli("db", "prune", "--older-than", "12h", "--db", path.path + ".missing").status == 66)
    }
}
