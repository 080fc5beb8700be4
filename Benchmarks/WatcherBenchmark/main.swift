// Watcher benchmark: ingest throughput on a large transcript built from the fixtures' real lines, and 500
// concurrently appended sessions with memory per session. Run: swift run -c release WatcherBenchmark [fixtures]
import Foundation
import Logging
import Watcher

let fixtures =
    CommandLine.arguments.dropFirst().first
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("../shared/fixtures").standardized.path

/// Resident set size of this process in KiB, from /proc/self/status.
func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

func fixtureLines(_ path: String) throws -> [Data] {
    try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(path)")).split(separator: 0x0A).map { Data($0) }
}

/// `count` lines cycling through the fixtures, with message ids made unique per copy so de-duplication works.
func generated(_ base: [Data], count: Int) -> [Data] {
    (0..<count).map { index in
        let copy = index / base.count
        let text = String(decoding: base[index % base.count], as: UTF8.self)
            .replacingOccurrences(of: "\"id\":\"msg_", with: "\"id\":\"msg_\(copy)_")
        return Data(text.utf8)
    }
}

func ingest(_ lines: [Data], format: TranscriptParser.Format) -> (seconds: Double, events: Int, tokens: Int) {
    var parser = TranscriptParser(format: format)
    var model = SessionModel()
    let descriptor = SessionDescriptor(key: "bench", format: format, agent: "bench", transcriptPath: "/bench")
    _ = model.add(descriptor, active: true, at: .zero)
    var events = 0
    let start = ContinuousClock.now
    for (index, line) in lines.enumerated() {
        if case .events(let parsed) = parser.parse(line) {
            events += parsed.count
            _ = model.apply(parsed, to: "bench", at: .milliseconds(index))
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (seconds, events, model.sessions["bench"]!.tokens.total)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func throughputBenchmark() throws {
    let claude =
        try fixtureLines("claude-code/short.jsonl") + fixtureLines("claude-code/tool_heavy.jsonl")
        + fixtureLines("claude-code/subagent_agent-aac57f5.jsonl")
    let openClaw = try fixtureLines("openclaw/8555a0a4-0b79-459d-939c-e17cdbbf4fe2.head18.jsonl")
    print("== Ingest throughput (parse + session model, one session)")
    for (name, base, format) in [
        ("Claude Code", claude, TranscriptParser.Format.claudeCode), ("OpenClaw", openClaw, .openClaw),
    ] {
        let lines = generated(base, count: 200_000)
        let megabytes = Double(lines.reduce(0) { $0 + $1.count + 1 }) / 1_048_576
        _ = ingest(Array(lines.prefix(5000)), format: format)
        let run = ingest(lines, format: format)
        let rate = Double(lines.count) / run.seconds
        print(
            String(
                format: "%@: %d lines (%.1f MiB) in %.3f s = %.0f lines/s (%.1f MiB/s), %d events, %d tokens",
                name, lines.count, megabytes, run.seconds, rate, megabytes / run.seconds, run.events, run.tokens))
    }
    // End to end through the tail: read the generated transcript from disk in 4 MiB chunks, then parse.
    let directory = NSTemporaryDirectory() + "watcher-bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = "\(directory)/big.jsonl"
    var blob = Data()
    for line in generated(claude, count: 200_000) {
        blob.append(line)
        blob.append(0x0A)
    }
    try blob.write(to: URL(fileURLWithPath: path))
    var tail = TranscriptTail(path: path, offset: 0, inode: nil)
    var lines: [Data] = []
    let start = ContinuousClock.now
    repeat {
        let read = try tail.read()
        lines += read.lines
        if !read.more { break }
    } while true
    let readSeconds = seconds(ContinuousClock.now - start)
    let run = ingest(lines, format: .claudeCode)
    print(
        String(
            format: "Claude Code from disk (tail + parse + model): %d lines in %.3f s = %.0f lines/s",
            lines.count, readSeconds + run.seconds, Double(lines.count) / (readSeconds + run.seconds)))
}

func concurrentSessionsBenchmark() async throws {
    let sessionCount = 500
    let linesPerSession = 40
    let base =
        try fixtureLines("claude-code/tool_heavy.jsonl") + fixtureLines("claude-code/subagent_agent-aac57f5.jsonl")
    let directory = NSTemporaryDirectory() + "watcher-bench-\(UUID().uuidString)"
    let project = "\(directory)/claude/-home-bench-projects-fleet"
    try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for index in 0..<sessionCount {
        _ = FileManager.default.createFile(atPath: "\(project)/session-\(index).jsonl", contents: nil)
    }
    var configuration = WatcherConfiguration(
        claudeProjectsRoot: "\(directory)/claude", offsetsFile: "\(directory)/offsets.json")
    configuration.pollInterval = .milliseconds(500)
    let before = residentKiB()
    let engine = WatchEngine(
        configuration: configuration, clock: ContinuousClock(), fileIO: NIOThreadPoolFileIO(),
        logger: Logger(label: "bench"))
    let updates = engine.updates()
    let running = Task { try await engine.run() }
    let consuming = Task {
        var count = 0
        for await _ in updates { count += 1 }
        return count
    }
    while await engine.statistics.sessions < sessionCount { try await Task.sleep(for: .milliseconds(10)) }
    print("== \(sessionCount) sessions appended concurrently (\(linesPerSession) real lines each, 8 writers)")
    let start = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for writer in 0..<8 {
            group.addTask {
                for round in 0..<linesPerSession {
                    for index in stride(from: writer, to: sessionCount, by: 8) {
                        let handle = FileHandle(forWritingAtPath: "\(project)/session-\(index).jsonl")!
                        handle.seekToEndOfFile()
                        handle.write(base[(round + index) % base.count] + Data([0x0A]))
                        handle.closeFile()
                    }
                }
            }
        }
    }
    let written = ContinuousClock.now
    let total = sessionCount * linesPerSession
    while await engine.statistics.linesParsed < total { try await Task.sleep(for: .milliseconds(5)) }
    let caughtUp = ContinuousClock.now
    let after = residentKiB()
    let snapshots = await engine.snapshots()
    running.cancel()
    _ = try? await running.value
    let published = await consuming.value
    print(
        String(
            format: "writers done after %.3f s; watcher caught up %.3f s later", seconds(written - start),
            seconds(caughtUp - written)))
    print(
        String(
            format: "%d lines ingested in %.3f s = %.0f lines/s; %d updates published; %d sessions active",
            total, seconds(caughtUp - start), Double(total) / seconds(caughtUp - start), published,
            snapshots.filter { $0.state.status == .active }.count))
    print("RSS before engine \(before) KiB, after \(after) KiB: \((after - before) / sessionCount) KiB per session")
}

// Sessions first, so the resident-memory baseline is not inflated by the throughput run's buffers.
try await concurrentSessionsBenchmark()
print("")
try throughputBenchmark()
