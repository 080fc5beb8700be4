import AsyncHTTPClient
import Foundation
import Registry
import TestSupport
import Testing

@testable import CLI
@testable import WatchDaemon

/// `dormouse watch` run as the built binary: the foreground daemon, and `start`/`status`/`stop` of a background
/// instance with a PID file. Mattermost is a closed loopback port: the daemon must start and stay up anyway.
@Suite("CLI watch", .serialized, .tags(.process), .outsideUnitLane)
struct CLIWatchTests {
    static let token = "mm-T0KEN-never-printed"

    /// A temporary folder (transcript roots, PID file) and the CLI with the watcher's variables.
    struct Fixture {
        let folder: WatchFolder
        var cli: CLIProcess

        init(extra: [String: String] = [:]) throws {
            folder = try WatchFolder()
            var variables = folder.environment
            variables["MM_BASE_URL"] = "http://127.0.0.1:\(try CLIEventsTests.freePort())"
            variables["MM_BOT_TOKEN"] = CLIWatchTests.token
            variables["HEALTH_PORT"] = "0"
            variables["LOG_LEVEL"] = "debug"
            cli = CLIProcess(variables: variables.merging(extra) { _, new in new })
        }

        var pidFile: String { folder.path("run/watch.pid") }
        var logFile: String { folder.path("run/watch.log") }
        var pid: Int32? {
            (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }

        /// Ends an instance a failed test left behind (only if it really is a `dormouse watch`), then the folder.
        func cleanUp() {
            if let pid, WatchInstance.isWatchProcess(pid) { kill(pid, SIGKILL) }
            folder.remove()
        }
    }

    @Test func startStatusStop() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let cli = fixture.cli
        var outputs: [CLIProcess.Result] = []

        let started = try await cli("watch", "start")
        outputs.append(started)
        #expect(started.status == 0, "\(started)")
        let pid = try #require(fixture.pid)
        #expect(started.stdout.contains("started (pid \(pid))"))
        #expect(WatchInstance.isWatchProcess(pid))

        let status = try await cli("watch", "status", "--json")
        outputs.append(status)
        #expect(status.status == 0, "\(status)")
        #expect(status.json["running"] == .bool(true))
        #expect(status.json["pid"].int == Int(pid))
        let health = status.json["health"]
        #expect(["ok", "degraded"].contains(health["status"].string ?? ""), "\(status)")
        for key in ["active_sessions", "waiting_sessions", "updates_sent", "updates_failed", "queue_depth"] {
            #expect(health[key].int != nil, "\(key) in \(status)")
        }
        #expect(health["circuit"].string != nil)
        let human = try await cli("watch", "status")
        outputs.append(human)
        #expect(human.status == 0)
        #expect(human.stdout.contains("running (pid \(pid))") && human.stdout.contains("circuit:"), "\(human)")

        let second = try await cli("watch", "start")
        outputs.append(second)
        #expect(second.status == 1, "\(second)")
        #expect(second.stderr.contains("already running (pid \(pid)"))
        #expect(fixture.pid == pid)

        let stopped = try await cli("watch", "stop")
        outputs.append(stopped)
        #expect(stopped.status == 0, "\(stopped)")
        #expect(!WatchInstance.isAlive(pid))
        #expect(!FileManager.default.fileExists(atPath: fixture.pidFile))

        let after = try await cli("watch", "status")
        outputs.append(after)
        #expect(after.status == 3, "\(after)")
        #expect(after.stdout.contains("not running"))
        let again = try await cli("watch", "stop")
        outputs.append(again)
        #expect(again.status == 7, "\(again)")

        let log = try String(contentsOfFile: fixture.logFile, encoding: .utf8)
        #expect(log.contains("watch stopped"), "graceful stop: \(log)")
        for text in outputs.flatMap({ [$0.stdout, $0.stderr] }) + [log] { #expect(!text.contains(Self.token)) }
    }

    @Test func aPIDFileOfADeadProcessIsReplaced() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        await finished.waitForExit()
        try WatchInstance(pidFile: fixture.pidFile).writePID(finished.processIdentifier)

        let status = try await fixture.cli("watch", "status")
        #expect(status.status == 1, "\(status)")
        #expect(status.stdout.contains("stale PID file") && status.stdout.contains("no such process"))
        let started = try await fixture.cli("watch", "start")
        #expect(started.status == 0, "\(started)")
        #expect(started.stderr.contains("removing the stale PID file"), "\(started)")
        #expect(fixture.pid != finished.processIdentifier)
        #expect(try await fixture.cli("watch", "stop").status == 0)
    }

    @Test func aPIDFileNamingAnotherProgramIsStale() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        // This test process is alive but is not `dormouse watch`: a reused PID.
        try WatchInstance(pidFile: fixture.pidFile).writePID(getpid())
        let status = try await fixture.cli("watch", "status", "--json")
        #expect(status.status == 1, "\(status)")
        #expect(status.json["stale_reason"].string == "the process is not dormouse watch")
        let stop = try await fixture.cli("watch", "stop")
        #expect(stop.status == 7, "\(stop)")
        #expect(!FileManager.default.fileExists(atPath: fixture.pidFile))
    }

    @Test func startReportsAnInstanceThatExitsEarly() async throws {
        // The health port is taken, so the instance cannot bind it and exits.
        let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(taken) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(taken, $0, length) == 0 && listen(taken, 1) == 0 && getsockname(taken, $0, &length) == 0
            }
        }
        try #require(bound)
        let fixture = try Fixture(extra: ["HEALTH_PORT": "\(UInt16(bigEndian: address.sin_port))"])
        defer { fixture.cleanUp() }
        let started = try await fixture.cli("watch", "start")
        #expect(started.status == 1, "\(started)")
        #expect(started.stderr.contains("exited with status"), "\(started)")
        #expect(started.stderr.contains("Address already in use"), "\(started)")
        #expect(!FileManager.default.fileExists(atPath: fixture.pidFile))
    }

    @Test func foregroundRunStopsGracefullyOnSIGTERM() async throws {
        let fixture = try Fixture()
        defer { fixture.cleanUp() }
        let portFile = fixture.folder.path("fg.port")
        guard let binary = CLIProcess.binary else { throw CLIProcessError("the dormouse binary is not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["watch", "--port-file", portFile]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": fixture.folder.url.path].merging(fixture.cli.variables)
        {
            _, new in new
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Readiness of another process: poll for the port file it writes once its health route listens.
        var port: Int?
        for _ in 0..<400 where port == nil {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if port == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        let answer = try await WatchHealthProbe.fetch(host: "127.0.0.1", port: try #require(port))
        #expect([200, 503].contains(answer.status))
        #expect(answer.health?.sessions == 0)
        process.terminate()
        await process.waitForExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: portFile))
    }

    @Test func withoutMattermostItSaysWhatToSet() async throws {
        let fixture = try Fixture(extra: ["MM_BASE_URL": ""])
        defer { fixture.cleanUp() }
        for arguments in [["watch"], ["watch", "start"], ["serve", "--watch", "--port", "0"]] {
            let result = try await fixture.cli.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result)")
            #expect(result.stderr.contains("MM_BASE_URL") && result.stderr.contains("MM_BOT_TOKEN"), "\(result)")
        }
    }

    @Test func aBadTokenIsRefusedWithoutPrintingIt() async throws {
        let fixture = try Fixture(extra: ["MM_BOT_TOKEN": "\(Self.token) trailing"])
        defer { fixture.cleanUp() }
        for arguments in [["watch"], ["watch", "start"], ["watch", "--help"], ["watch", "run", "--help"]] {
            let result = try await fixture.cli.run(arguments)
            #expect(!result.stdout.contains(Self.token) && !result.stderr.contains(Self.token), "\(result)")
        }
        let refused = try await fixture.cli("watch")
        #expect(refused.status == 1 && refused.stderr.contains("MM_BOT_TOKEN"), "\(refused)")
    }
}
