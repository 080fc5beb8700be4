import Foundation
import NIOPosix
import TestSupport
import Testing

@testable import Watcher

/// Tests of the engine's file I/O running off its actor, and of its wall-clock readings.
@Suite struct WatchEngineFileIOTests {
    /// A transcript read that hangs holds a thread of the blocking-I/O executor, not the actor: `snapshots()`
    /// answers meanwhile, and the appended line is taken in once the read goes through.
    @Test func theActorAnswersWhileATranscriptReadIsBlocked() async throws {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let fileIO = GatedFileIO(base: NIOThreadPoolFileIO(threadPool: pool))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = try directory.makeDirectory("claude/-home-me-projects-demo")
        let lines = try Fixtures.lines(Fixtures.claudeToolHeavy)
        try append(lines: [lines[0]], to: "\(project)/s1.jsonl")
        let harness = try EngineHarness(directory: directory, fileIO: fileIO) { $0.usesInotify = false }
        await harness.started()
        try append(lines: Array(lines[10..<13]), to: harness.session("s1"))
        // The next pass scans (let through), then reads the transcripts: that read hangs.
        fileIO.hold(skipping: 1)
        harness.clock.advance(by: .milliseconds(250))
        for await _ in fileIO.held { break }
        let engine = harness.engine
        let answered = await finishes(within: .seconds(5)) { _ = await engine.snapshots() }
        fileIO.release()
        #expect(answered)
        let update = await harness.recorder.first { $0.snapshot.state.activity.count >= 2 }
        #expect(update != nil)
        await harness.stop()
        try await pool.shutdownGracefully()
    }

    /// At startup a transcript counts as active when modified within the idle timeout, by the injected wall
    /// clock: a file last modified in 2001 is recent to a clock pinned 30 s later, and old to one pinned an hour on.
    @Test(arguments: [(30, SessionStatus.active), (3_600, .done)])
    func recencyAtStartupIsJudgedByTheInjectedWallClock(secondsLater: Int, status: SessionStatus) async throws {
        let modified = Date(timeIntervalSince1970: 1_000_000_000)
        let pinned = WallClock { (1_000_000_000 + Int64(secondsLater)) * 1_000_000_000 }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = try directory.makeDirectory("claude/-home-me-projects-demo")
        try append(lines: [try Fixtures.lines(Fixtures.claudeShort)[0]], to: "\(project)/s1.jsonl")
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: "\(project)/s1.jsonl")
        let harness = try EngineHarness(directory: directory, wallClock: pinned)
        let first = await harness.recorder.first { $0.key == "claude:s1" }
        #expect(first?.snapshot.state.status == status)
        await harness.stop()
    }

    /// The startup scan skips a transcript's backlog, but not lines written after the engine started: a session
    /// begun while the scan runs keeps its first lines (found by its modification time, by the injected clock).
    @Test(arguments: [(5, true), (-5, false)])
    func aTranscriptWrittenSinceTheStartIsReadFromItsStart(secondsAfterStart: Int, readFromStart: Bool) async throws {
        let start: Int64 = 1_000_000_000
        let pinned = WallClock { start * 1_000_000_000 }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = try directory.makeDirectory("claude/-home-me-projects-demo")
        let lines = try Fixtures.lines(Fixtures.claudeToolHeavy)
        try append(lines: Array(lines[10..<13]), to: "\(project)/s1.jsonl")
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: Double(start) + Double(secondsAfterStart))],
            ofItemAtPath: "\(project)/s1.jsonl")
        let harness = try EngineHarness(directory: directory, wallClock: pinned)
        let first = await harness.recorder.first { $0.key == "claude:s1" }
        #expect(first?.snapshot.state.activity.isEmpty == !readFromStart)
        await harness.stop()
    }
}
