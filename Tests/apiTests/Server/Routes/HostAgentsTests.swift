import Foundation
import HTTPTypes
import Registry
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Host-mode agents: off unless allowed, a clean environment, and a timed-out command's process group killed.
@Suite("Host agents")
struct HostAgentsTests {
    static let hostAgent = #"{"name":"local","mode":"host","dispatch":{"type":"command","argv":["cat"]}}"#

    @Test func declaringOneIsRefusedWhenTheyAreOff() async throws {
        try await TestApp().run { client in
            let refused = try await client.post("/agents", Self.hostAgent)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["type"].string == "urn:dormouse:problem:host-agents-disabled")
            #expect(refused.json["detail"].string?.contains("DORMOUSE_ALLOW_HOST_AGENTS=1") == true)
            #expect(refused.json["errors"].array.contains { $0["field"].string == "mode" })
            #expect(try await client.get("/agents/local").status == .notFound)
            #expect(try await client.get("/agents").json["agents"].array.isEmpty)

            try await client.post("/agents", TasksAPITests.agent("w1"))
            let patched = try await client.send(
                .patch, "/agents/w1",
                json: #"{"mode": "host", "container": null, "lifecycle": null, "dispatch": {"type": "command"}}"#)
            #expect(patched.status == .unprocessableContent)
            #expect(patched.json["type"].string == "urn:dormouse:problem:host-agents-disabled")
            #expect(try await client.get("/agents/w1").json["mode"].string == "container")
            #expect(try await client.get("/health").json["host_agents_enabled"] == .bool(false))
        }
    }

    @Test func declaringOneIsAllowedWhenTheyAreOn() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let created = try await client.post("/agents", Self.hostAgent)
            #expect(created.status == .created)
            #expect(try await client.get("/health").json["host_agents_enabled"] == .bool(true))
        }
    }

    @Test func oneStoredBeforeTheyWereTurnedOffIsKeptButRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.sqlite").path
        try await TestApp(databasePath: path, allowsHostAgents: true).run { client in
            let created = try await client.post("/agents", Self.hostAgent)
            #expect(created.status == .created)
        }
        try await TestApp(databasePath: path).run { client in
            #expect(try await client.get("/agents/local").json["mode"].string == "host")
            let dispatch = try await client.post("/agents/local/tasks", #"{"payload": "x"}"#)
            #expect(dispatch.status == .unprocessableContent)
            #expect(dispatch.json["type"].string == "urn:dormouse:problem:host-agents-disabled")
            #expect(dispatch.json["detail"].string?.contains("DORMOUSE_ALLOW_HOST_AGENTS=1") == true)
            #expect(try await client.get("/agents/local/tasks").json["tasks"].array.isEmpty)
            let start = try await client.post("/agents/local/start")
            #expect(start.status == .unprocessableContent)
            #expect(start.json["type"].string == "urn:dormouse:problem:host-agents-disabled")
            #expect(try await client.send(.delete, "/agents/local").status == .noContent)
        }
    }

    @Test(.tags(.process), .outsideUnitLane) func aHostCommandDoesNotSeeTheServersEnvironment() async throws {
        let secret = "secret-\(UUID().uuidString)"
        setenv("DORMOUSE_API_TOKEN", secret, 1)
        setenv("MM_BOT_TOKEN", secret, 1)
        defer {
            unsetenv("DORMOUSE_API_TOKEN")
            unsetenv("MM_BOT_TOKEN")
        }
        try await TestApp(allowsHostAgents: true).run { client in
            let agent = #"{"name":"envy","mode":"host","dispatch":{"type":"command","argv":["env"]}}"#
            #expect(try await client.post("/agents", agent).status == .created)
            let task = try await client.post("/agents/envy/tasks?wait=true", #"{"payload": "p"}"#).json
            #expect(task["status"].string == "succeeded")
            let output = try #require(task["output"].string)
            #expect(!output.contains(secret))
            #expect(!output.contains("DORMOUSE_API_TOKEN"))
            #expect(!output.contains("MM_BOT_TOKEN"))
            let names = Set(
                output.split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) })
            #expect(names == ["PATH", "DORMOUSE_PAYLOAD", "DORMOUSE_TASK_ID", "DORMOUSE_AGENT"])
            #expect(output.contains("PATH=/usr/local/bin:/usr/bin:/bin\n"))
            #expect(output.contains("DORMOUSE_TASK_ID=\(task["id"].string ?? "?")\n"))
        }
    }

    @Test(.tags(.process), .outsideUnitLane) func aHostCommandStartsWithNoSignalBlocked() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            // Before the fix the shell inherited a mask blocking SIGCHLD and waited for `true` forever.
            let agent =
                #"{"name":"waiter","mode":"host","dispatch":{"type":"command","argv":["sh","-c","true & wait; grep '^SigBlk' /proc/self/status"]}}"#
            let created = try await client.post("/agents", agent)
            #expect(created.status == .created)
            let task = try await Self.withGuard(seconds: 30) {
                try await client.post("/agents/waiter/tasks?wait=true", #"{"payload": 1}"#).json
            }
            #expect(task?["status"].string == "succeeded", "the shell never saw its child end")
            #expect(task?["output"].string == "SigBlk:\t0000000000000000\n")
        }
    }

    @Test(.tags(.process), .outsideUnitLane) func aTimedOutHostCommandLeavesNoChildBehind() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pidFile = folder.appendingPathComponent("child.pid").path
        let app = TestApp(allowsHostAgents: true)
        try await app.run { client in
            let script = "sleep 300 & echo $$ $! > \(pidFile); wait"
            let agent =
                #"{"name":"stuck","mode":"host","dispatch":{"type":"command","argv":["sh","-c","\#(script)"],"timeout_s":5}}"#
            #expect(try await client.post("/agents", agent).status == .created)
            async let reply = client.post("/agents/stuck/tasks?wait=true", #"{"payload": 1}"#)
            let pids = try #require(await Self.pids(in: pidFile))
            let child = pids.child
            // Before the fix the reply waited for `sleep 300` (the shell's SIGTERM did not reach its child): past
            // this guard both are killed here and the test fails, rather than hang.
            let guardFired = Mutex(false)
            let guardTask = Task {
                guard (try? await Task.sleep(for: .seconds(30))) != nil else { return }
                guardFired.withLock { $0 = true }
                kill(pids.shell, SIGKILL)
                kill(child, SIGKILL)
            }
            let deadline = app.clock.now.advanced(by: .seconds(5))
            await app.clock.waitForSleeper(until: deadline)
            app.clock.advance(by: .seconds(5))
            let task = try await reply.json
            guardTask.cancel()
            #expect(task["status"].string == "timed_out")
            #expect(!guardFired.withLock { $0 }, "the timed-out command's child kept the task running")
            #expect(Self.isGone(child), "the timed-out command's child \(child) is still running")
        }
    }

    /// The shell's and its child's pids, as the command wrote them to `path`; waits (bounded) for the file, since
    /// the command runs on its own schedule.
    static func pids(in path: String) async -> (shell: pid_t, child: pid_t)? {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") {
                let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
                if numbers.count == 2 { return (numbers[0], numbers[1]) }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The body's result, or nil when it has not returned after `seconds` (it is then left running): a test of
    /// something that used to hang fails instead of hanging.
    static func withGuard<T: Sendable>(
        seconds: Int, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T?, any Error>) in
            let pending = Once(continuation)
            Task {
                do {
                    pending.resume(with: .success(try await body()))
                } catch {
                    pending.resume(with: .failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                pending.resume(with: .success(nil))
            }
        }
    }

    /// Whether the process has ended: no `/proc` entry, or a zombie no one has reaped yet.
    static func isGone(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: end)...].split(separator: " ").first == "Z"
    }
}

/// A continuation resumed by whichever of two tasks comes first.
private final class Once<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T?, any Error>?>

    init(_ continuation: CheckedContinuation<T?, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func resume(with result: Result<T?, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}
