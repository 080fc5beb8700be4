import Foundation
import Logging
import TestSupport
import Testing

@testable import Watcher

/// Runs a `WatchEngine` over temporary directories with a test clock, recording its updates.
struct EngineHarness {
    let directory: TemporaryDirectory
    let clock = TestClock()
    let engine: WatchEngine
    let recorder = UpdateRecorder()
    let project: String
    let task: Task<Void, any Error>
    let recording: Task<Void, Never>

    init(
        directory: TemporaryDirectory, logger: Logger = Logger(label: "test"), wallClock: WallClock = .system,
        fileIO: any BlockingFileIO = NIOThreadPoolFileIO(), configure: (inout WatcherConfiguration) -> Void = { _ in }
    ) throws {
        self.directory = directory
        project = try directory.makeDirectory("claude/-home-me-projects-demo")
        _ = try directory.makeDirectory("openclaw")
        var configuration = WatcherConfiguration(
            openClawRoot: directory.file("openclaw"), claudeProjectsRoot: directory.file("claude"),
            offsetsFile: directory.file("offsets.json"))
        configuration.idleTimeout = .seconds(60)
        configure(&configuration)
        engine = WatchEngine(
            configuration: configuration, clock: clock, wallClock: wallClock, fileIO: fileIO, logger: logger)
        let updates = engine.updates()
        let recorder = recorder
        recording = Task { for await update in updates { await recorder.record(update) } }
        task = Task { [engine] in try await engine.run() }
    }

    /// Returns once the startup scan is done: the engine's poll timer only starts sleeping after it.
    func started() async {
        await clock.waitForSleepers()
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        await recording.value
    }

    func session(_ name: String) -> String { "\(project)/\(name).jsonl" }
}

/// Tests of `WatchEngine`.
@Suite struct WatchEngineTests {
    @Test func existingSessionStartsAtEndThenFollowsAppends() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = try directory.makeDirectory("claude/-home-me-projects-demo")
        let lines = try Fixtures.lines(Fixtures.claudeToolHeavy)
        try append(lines: Array(lines[0..<8]), to: "\(project)/s1.jsonl")
        let harness = try EngineHarness(directory: directory)
        let first = await harness.recorder.first { $0.key == "claude:s1" }
        #expect(first?.kind == .added)
        #expect(first?.snapshot.state.descriptor.transcriptPath == harness.session("s1"))
        // No backlog dump: the 8 lines already there are not replayed.
        #expect(first?.snapshot.state.activity == [])
        try append(lines: Array(lines[10..<13]), to: harness.session("s1"))
        let update = await harness.recorder.first { $0.snapshot.state.activity.count >= 2 }
        #expect(update?.kind == .changed)
        #expect(
            update?.snapshot.state.activity == [
                "💬 Phoenix server is starting in the background.",
                "▸ $ tail -5 /tmp/claude-1000/-home-marco-projects-spotter/tasks/bae407b.output",
            ])
        await harness.stop()
    }

    @Test func idleTimeoutCompletesWhenTheClockAdvances() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        try append(lines: Array(try Fixtures.lines(Fixtures.claudeShort)[3..<8]), to: harness.session("s2"))
        let active = await harness.recorder.first {
            $0.snapshot.state.activity.contains("▸ $ mix phx.server 2>&1 | head -80")
        }
        #expect(active?.snapshot.state.status == .active)
        harness.clock.advance(by: .seconds(59))
        await harness.clock.waitForSleepers()
        #expect(await harness.engine.snapshots().first?.state.status == .active)
        harness.clock.advance(by: .seconds(1))
        let done = await harness.recorder.first { $0.snapshot.state.status == .done }
        #expect(done?.key == "claude:s2")
        // Completed at its last activity (t = 0), so the idle wait is not counted in its duration.
        #expect(done?.snapshot.state.completedAt == .zero)
        await harness.stop()
    }

    @Test func malformedLinesAreCountedNotFatal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        let lines = try Fixtures.lines(Fixtures.claudeShort)
        try append(
            lines: [Data("{not json".utf8), Data(#"{"type":"mystery"}"#.utf8), lines[3]], to: harness.session("s3"))
        let update = await harness.recorder.first { $0.snapshot.state.activity.count == 1 }
        #expect(update?.snapshot.state.activity == ["> mix phx.server doesnt seem to start"])
        let statistics = await harness.engine.statistics
        #expect(statistics.malformedLines == 1)
        #expect(statistics.unknownLines == 1)
        await harness.stop()
    }

    @Test func anAppendToAFollowedTranscriptReadsOnlyThatFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        let lines = try Fixtures.lines(Fixtures.claudeShort)
        try append(lines: [lines[3]], to: harness.session("s4"))
        _ = await harness.recorder.first { $0.key == "claude:s4" && $0.snapshot.state.activity.count == 1 }
        let before = await harness.engine.statistics
        try append(lines: [lines[4], lines[5], lines[6]], to: harness.session("s4"))
        _ = await harness.recorder.first { $0.key == "claude:s4" && $0.snapshot.state.activity.count > 1 }
        let after = await harness.engine.statistics
        // Creating the file needed a rescan; writing to it once followed needs none.
        #expect(after.rescans == before.rescans)
        #expect(after.targetedPasses > before.targetedPasses)
        await harness.stop()
    }

    @Test func restartResumesFromThePersistedOffset() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = try Fixtures.lines(Fixtures.claudeToolHeavy)
        let first = try EngineHarness(directory: directory)
        await first.started()
        try append(lines: [lines[3]], to: first.session("s4"))
        _ = await first.recorder.first { $0.snapshot.state.activity == ["> start phoenix in background"] }
        await first.stop()
        #expect(
            OffsetStore(url: URL(fileURLWithPath: directory.file("offsets.json"))).load()[first.session("s4")] != nil)
        // Written while the watcher was down: must be read on restart, not skipped as backlog.
        try append(lines: [lines[4]], to: first.session("s4"))
        let second = try EngineHarness(directory: directory)
        await second.started()
        let resumed = await second.recorder.first { $0.snapshot.state.activity.contains("▸ $ mix phx.server") }
        #expect(resumed != nil)
        #expect(resumed?.snapshot.state.activity.contains("> start phoenix in background") == false)
        await second.stop()
    }

    @Test func subagentNestsUnderItsSession() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        let sub = try directory.makeDirectory("claude/-home-me-projects-demo/s5/subagents")
        try append(lines: [try Fixtures.lines(Fixtures.claudeSubagent)[2]], to: "\(sub)/agent-aac57f5.jsonl")
        try append(lines: [try Fixtures.lines(Fixtures.claudeToolHeavy)[3]], to: harness.session("s5"))
        let nested = await harness.recorder.first {
            $0.key == "claude:s5" && $0.snapshot.children.first?.state.activity.isEmpty == false
        }
        #expect(nested?.snapshot.children.first?.state.key == "claude:s5/agent-aac57f5")
        #expect(nested?.snapshot.children.first?.state.activity.first?.hasPrefix("▸ search hex.pm") == true)
        await harness.stop()
    }

    @Test func openClawSessionFromRegistry() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        let sessions = try directory.makeDirectory("openclaw/main/sessions")
        let registry = #"{"agent:main:mattermost:channel:c1": {"sessionId": "oc1", "updatedAt": 1}}"#
        try Data(registry.utf8).write(to: URL(fileURLWithPath: "\(sessions)/sessions.json"))
        try append(lines: Array(try Fixtures.lines(Fixtures.openClaw)[11..<15]), to: "\(sessions)/oc1.jsonl")
        let update = await harness.recorder.first { $0.snapshot.state.errors == 1 }
        #expect(update?.key == "agent:main:mattermost:channel:c1")
        #expect(update?.snapshot.state.descriptor.route == ChatRoute(channel: "mattermost", to: "channel:c1"))
        #expect(update?.snapshot.state.toolCalls == 5)
        #expect(update?.snapshot.state.pendingTools.count == 2)
        await harness.stop()
    }

    @Test func pollingAloneFollowsAppendsWhenTheClockAdvances() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory) { $0.usesInotify = false }
        await harness.started()
        try append(lines: [try Fixtures.lines(Fixtures.claudeShort)[3]], to: harness.session("p1"))
        #expect(await harness.engine.snapshots().isEmpty)
        harness.clock.advance(by: .milliseconds(250))
        let update = await harness.recorder.first { $0.key == "claude:p1" && !$0.snapshot.state.activity.isEmpty }
        #expect(update?.snapshot.state.activity == ["> mix phx.server doesnt seem to start"])
        await harness.stop()
    }

    @Test func truncatedTranscriptIsReadAgainFromTheStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        let lines = try Fixtures.lines(Fixtures.claudeToolHeavy)
        try append(lines: [lines[3], lines[4]], to: harness.session("t1"))
        _ = await harness.recorder.first { $0.snapshot.state.activity.count == 2 }
        try Data().write(to: URL(fileURLWithPath: harness.session("t1")))
        try append(lines: [lines[25]], to: harness.session("t1"))
        let update = await harness.recorder.first { $0.snapshot.state.activity.count == 3 }
        #expect(update?.snapshot.state.activity.last?.hasPrefix("> scrolling back in xterm.js") == true)
        await harness.stop()
    }

    @Test func removedTranscriptIsAnnounced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        try append(lines: [try Fixtures.lines(Fixtures.claudeShort)[3]], to: harness.session("r1"))
        _ = await harness.recorder.first { $0.key == "claude:r1" && !$0.snapshot.state.activity.isEmpty }
        try FileManager.default.removeItem(atPath: harness.session("r1"))
        let removed = await harness.recorder.first { $0.kind == .removed }
        #expect(removed?.key == "claude:r1")
        #expect(await harness.engine.snapshots().isEmpty)
        await harness.stop()
    }

    @Test func offsetsAreWrittenInBatchesNotPerLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = try EngineHarness(directory: directory)
        await harness.started()
        let lines = try Fixtures.lines(Fixtures.claudeToolHeavy)
        try append(lines: [lines[3], lines[4]], to: harness.session("b1"))
        _ = await harness.recorder.first { $0.snapshot.state.activity.count == 2 }
        let store = OffsetStore(url: URL(fileURLWithPath: directory.file("offsets.json")))
        // Lines were consumed, but less than offsetFlushInterval (2 s) has passed on the engine's clock.
        #expect(store.load().isEmpty)
        harness.clock.advance(by: .seconds(2))
        await harness.clock.waitForSleepers()
        let size = try #require(TranscriptTail.fileStatus(path: harness.session("b1"))).size
        #expect(store.load()[harness.session("b1")]?.offset == size)
        await harness.stop()
    }
}
