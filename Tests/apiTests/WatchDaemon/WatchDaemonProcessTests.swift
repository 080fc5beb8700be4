import Foundation
import TestSupport
import Testing

@testable import Watcher

/// The built `dormouse watch` binary end to end: Claude Code transcripts in a temporary folder, the Mattermost
/// fake on loopback, and SIGTERM as systemd sends it.
@Suite("Watch daemon process", .serialized, .tags(.process), .outsideUnitLane)
struct WatchDaemonProcessTests {
    static let prompt = #"{"type":"user","message":{"role":"user","content":"build the release"}}"#
    static let reply =
        #"{"type":"assistant","message":{"id":"m1","role":"assistant","content":[{"type":"text","text":"Running the release build now."}]}}"#

    @Test func sigtermMarksEveryOpenPostInterruptedAndExitsZero() async throws {
        guard let binary = CLIProcess.binary else { throw CLIProcessError("the dormouse binary is not built") }
        let fake = MattermostFake()
        try await fake.start()
        let folder = try WatchFolder()
        defer { folder.remove() }
        let project = folder.path("claude/-home-me-projects-demo")
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let variables = folder.environment.merging([
            "PATH": "/usr/bin:/bin", "HOME": folder.url.path, "MM_BASE_URL": fake.baseURL,
            "MM_BOT_TOKEN": fake.token, "DEFAULT_CHANNEL": fake.channelID, "HEALTH_PORT": "0",
            "THROTTLE_MS": "100", "POLL_INTERVAL_MS": "100", "LOG_LEVEL": "debug",
        ]) { _, new in new }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["watch"]
        process.environment = variables
        process.standardOutput = FileHandle.nullDevice
        let log = folder.path("watch.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { exited.yield($0.terminationStatus) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Whether the startup scan sees these files or not, each active session gets a post; the second line
        // is written once both posts exist, so the running daemon reads it as new.
        let sessions = ["s1", "s2"]
        for session in sessions { try Self.append(Self.prompt, to: "\(project)/\(session).jsonl") }
        let keys = sessions.map { "claude:\($0)" }
        #expect(await fake.waitFor { snapshot in keys.allSatisfy { Self.post(of: $0, in: snapshot) != nil } })
        for session in sessions { try Self.append(Self.reply, to: "\(project)/\(session).jsonl") }
        let live = await fake.waitFor { snapshot in
            keys.allSatisfy { Self.post(of: $0, in: snapshot)?.message.contains("Running the release build") == true }
        }
        #expect(live, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")

        process.terminate()
        var iterator = exits.makeAsyncIterator()
        let status = await iterator.next()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(output)")
        #expect(process.terminationReason == .exit)
        let posts = fake.posts
        #expect(posts.count == 2)
        for post in posts {
            #expect(post.message.hasPrefix("[interrupted]"), "\(post.message)")
            #expect(post.message.contains("Running the release build"))
            #expect(post.props["dormouse_status"]?.stringValue == "interrupted")
        }
        #expect(output.contains("dormouse watch stopped"), "\(output)")
        #expect(!output.contains(fake.token))
        await fake.stop()
    }

    static func post(of key: String, in snapshot: MattermostFake.Snapshot) -> MattermostFake.Post? {
        let marker = StatusBox.marker(for: key)
        return snapshot.posts.last { !$0.isDeleted && $0.props["dormouse_marker"]?.stringValue == marker }
    }

    static func append(_ line: String, to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line + "\n").utf8))
    }
}
