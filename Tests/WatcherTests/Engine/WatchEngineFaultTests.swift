import Foundation
import InMemoryLogging
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// `WatchEngine` under hostile or heavy input: a FIFO named like a transcript, thousands of new sessions at
/// once, a line that never ends.
@Suite struct WatchEngineFaultTests {
    @Test func aFIFONamedLikeATranscriptIsSkippedAndShutdownCompletes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (logger, logs) = InMemoryLogHandler.logger()
        let harness = try EngineHarness(directory: directory, logger: logger)
        await harness.started()
        let fifo = harness.session("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        // Before the fix the engine's open() waited for a writer forever; past this guard one is made (the
        // open then returns) so the test fails instead of hanging. The guard is long because in the full suite,
        // on two loaded cores, the passes below take seconds each (28 s in all was seen).
        let unblocked = Mutex(false)
        let guardTask = Task.detached {
            guard (try? await Task.sleep(for: .seconds(90))) != nil else { return }
            unblocked.withLock { $0 = true }
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
        }
        let lines = try Fixtures.lines(Fixtures.claudeShort)
        try append(lines: [lines[3]], to: harness.session("real"))
        let shown = await harness.recorder.first(timeout: .seconds(30)) {
            $0.key == "claude:real" && $0.snapshot.state.activity.count == 1
        }
        #expect(shown != nil, "a FIFO among the transcripts stopped the other sessions from being shown")
        // More passes: the FIFO is logged once, not on every rescan.
        for _ in 1...3 {
            harness.clock.advance(by: .seconds(1))
            await harness.clock.waitForSleeper(until: harness.clock.now.advanced(by: .seconds(1)))
        }
        await harness.stop()
        guardTask.cancel()
        #expect(!unblocked.withLock { $0 }, "the engine blocked on the FIFO")
        #expect(await harness.recorder.updates.allSatisfy { $0.key != "claude:fifo" })
        let warnings = logs.entries.filter { $0.message == "Ignoring a session file that is not a regular file" }
        #expect(warnings.map { $0.text("file.path") } == [fifo])
    }

    @Test func twoThousandNewSessionsAtOnceAreAllShownToASlowSubscriber() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let project = try directory.makeDirectory("claude/-home-me-projects-demo")
        var configuration = WatcherConfiguration(claudeProjectsRoot: directory.file("claude"))
        configuration.usesInotify = false
        // Without inotify the engine rescans every `fallbackPollInterval`: one pass per second of the test clock.
        configuration.fallbackPollInterval = .seconds(1)
        let clock = TestClock()
        let engine = WatchEngine(
            configuration: configuration, clock: clock, fileIO: NIOThreadPoolFileIO(), logger: Logger(label: "test"))
        // Not read until the engine has stopped: the slowest possible subscriber.
        let updates = engine.updates()
        let run = Task { try await engine.run() }
        await clock.waitForSleepers()
        let lines = try Fixtures.lines(Fixtures.claudeShort)
        let count = 2_000
        for index in 0..<count { try append(lines: [lines[3]], to: "\(project)/s\(index).jsonl") }
        clock.advance(by: .seconds(1))
        await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(1)))
        // A second change to every session before the subscriber reads: coalesced, not queued twice.
        for index in 0..<count { try append(lines: [lines[3]], to: "\(project)/s\(index).jsonl") }
        clock.advance(by: .seconds(1))
        await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(1)))
        #expect(await engine.statistics.sessions == count)
        run.cancel()
        _ = await run.result
        var received: [SessionUpdate] = []
        for await update in updates { received.append(update) }
        #expect(Set(received.map(\.key)).count == count, "sessions never shown to the subscriber")
        #expect(received.count == count, "one update per session: the latest")
        #expect(received.allSatisfy { $0.kind == .added })
        #expect(received.allSatisfy { $0.snapshot.state.activity.count == 2 })
    }

    @Test func aLineOverTheCapIsSkippedCountedAndParsingGoesOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = try Fixtures.lines(Fixtures.claudeShort)
        let cap = lines[3].count + 10
        let harness = try EngineHarness(directory: directory) { $0.maxLineBytes = cap }
        await harness.started()
        let path = harness.session("long")
        // A line far over the cap, first without its newline (as a writer that never ends it would leave it).
        try append(lines: [lines[3]], to: path)
        try append(Data(repeating: UInt8(ascii: "x"), count: cap * 50), to: path)
        _ = await harness.recorder.first { $0.key == "claude:long" && $0.snapshot.state.activity.count == 1 }
        try append(Data(repeating: UInt8(ascii: "y"), count: cap * 50), to: path)
        try append(Data("\n".utf8), to: path)
        try append(lines: [lines[3]], to: path)
        let after = await harness.recorder.first {
            $0.key == "claude:long" && $0.snapshot.state.activity.count == 2
        }
        #expect(after != nil, "parsing did not go on after the over-long line")
        let statistics = await harness.engine.statistics
        #expect(statistics.skippedLines == 1)
        #expect(statistics.malformedLines == 0)
        await harness.stop()
    }
}
