import Foundation
import TestSupport

// Chat relay benchmark (`make bench`): the release `dormouse watch` binary posts to a Mattermost fake in this
// process while 500 new Claude Code sessions each get a line every 250 ms ± 20 % (faster than the 500 ms throttle
// allows edits). Measures edits per post per second against the throttle, the delay from a line's write to
// the first request showing it, and the daemon's CPU and memory.
// Run: ChatBenchmark [path/to/dormouse] [--sessions 500] [--seconds 20] [--interval-ms 250] [--throttle-ms 500]

let arguments = Array(CommandLine.arguments.dropFirst())
let binary = arguments.first.flatMap { $0.hasPrefix("--") ? nil : $0 } ?? ".build/release/dormouse"
func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return value }
    return Int(arguments[index + 1]) ?? value
}
// Against the real Synapse instead (MatrixRun.swift): ChatBenchmark --matrix .build/synapse/synapse.env [--unlimited]
if let index = arguments.firstIndex(of: "--matrix"), index + 1 < arguments.count {
    guard let text = try? String(contentsOfFile: arguments[index + 1], encoding: .utf8) else {
        throw BenchmarkError("cannot read \(arguments[index + 1]): run scripts/synapse.sh up")
    }
    let run = MatrixRun(
        values: ClusterFixture.parse(text), sessions: option("sessions", default: 5),
        seconds: option("seconds", default: 30), intervalMS: option("interval-ms", default: 1000),
        throttleMS: option("throttle-ms", default: 500), unlimited: arguments.contains("--unlimited"))
    try await run.run()
    exit(0)
}
let sessions = option("sessions", default: 500)
let seconds = option("seconds", default: 20)
let intervalMS = option("interval-ms", default: 250)
let throttleMS = option("throttle-ms", default: 500)
let pollMS = option("poll-ms", default: 1000)
let warmup = 3.0

let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-chatbench-\(UUID().uuidString)")
let projects = folder.appendingPathComponent("claude")
let project = projects.appendingPathComponent("-home-bench-projects-fleet").path
try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

let fake = MattermostFake()
try await fake.start()
let portFile = folder.appendingPathComponent("health.port").path
let daemon = try DaemonProcess.launch(
    binary: binary,
    environment: [
        "MM_BASE_URL": fake.baseURL, "MM_BOT_TOKEN": fake.token, "DEFAULT_CHANNEL": fake.channelID,
        "CLAUDE_PROJECTS_DIR": projects.path, "WATCH_SOURCES": "claude",
        "WATCH_STATE_FILE": folder.appendingPathComponent("offsets.json").path,
        "WATCH_POSTS_FILE": folder.appendingPathComponent("posts.json").path,
        "THROTTLE_MS": "\(throttleMS)", "MAX_ACTIVE_SESSIONS": "\(sessions)", "POLL_INTERVAL_MS": "\(pollMS)",
        "HEALTH_PORT": "0", "LOG_LEVEL": "warning",
    ],
    portFile: portFile)
defer { daemon.stop() }
try await daemon.waitUntilListening(portFile: portFile)
let pid = "\(daemon.pid)"
let idleRSS = DaemonProcess.statusMiB(pid: pid, field: "VmRSS")

print(
    "== \(sessions) sessions, one line each every \(intervalMS) ms ± 20 % for \(seconds) s; THROTTLE_MS=\(throttleMS), "
        + "MAX_ACTIVE_SESSIONS=\(sessions) (every session holds a post), POLL_INTERVAL_MS=\(pollMS), inotify on")
let writer = SessionWriter(
    directory: project, sessions: sessions, interval: .milliseconds(intervalMS), duration: .seconds(seconds))
let cpuBefore = DaemonProcess.cpuSeconds(pid: pid)
let ownCPUBefore = DaemonProcess.cpuSeconds(pid: "self")
let start = Date().timeIntervalSince1970
try writer.createFiles()
let sampler = Task {
    var samples: [(at: Double, rss: Double)] = []
    while !Task.isCancelled {
        samples.append((Date().timeIntervalSince1970, DaemonProcess.statusMiB(pid: pid, field: "VmRSS")))
        try? await Task.sleep(for: .milliseconds(500))
    }
    return samples
}
await writer.run()
let end = Date().timeIntervalSince1970
let cpuDuring = DaemonProcess.cpuSeconds(pid: pid) - cpuBefore
let ownCPUDuring = DaemonProcess.cpuSeconds(pid: "self") - ownCPUBefore
// Drain: wait until no request arrived for 2 s (the trailing edits of the last lines), at most 15 s.
var seen = fake.requests.count
for _ in 0..<30 {
    try await Task.sleep(for: .milliseconds(500))
    let count = fake.requests.count
    if count == seen, Date().timeIntervalSince1970 - (fake.requests.last?.time.timeIntervalSince1970 ?? 0) > 2 {
        break
    }
    seen = count
}
sampler.cancel()
let samples = await sampler.value
let peakRSS = DaemonProcess.statusMiB(pid: pid, field: "VmHWM")
let requests = fake.requests
daemon.stop()
await fake.stop()

let analysis = EditAnalysis(
    requests: requests, writtenAt: writer.writtenAt, rounds: writer.rounds, window: start...end,
    measuredFrom: start + warmup)
let duration = end - start
let steady = samples.filter { $0.at >= start + duration / 2 && $0.at <= end }.map(\.rss)
let written = writer.writtenAt.filter { $0 > 0 }.count
print(
    String(
        format: "wrote %d lines in %.1f s (%.0f lines/s); the server got %d requests: %d creates, %d edits, %d other; "
            + "%d failed", written, duration, Double(written) / duration, requests.count, analysis.creates,
        analysis.edits, analysis.others, analysis.failed))
print(
    String(
        format: "edits per post: mean %.2f /s over the run; max in any 1 s window %d (over %d posts; "
            + "%d posts above %d); shortest gap between two edits of a post at the server %.0f ms (bound: %.0f /s, %d ms apart)",
        analysis.meanEditRate, analysis.maxEditsInOneSecond.max() ?? 0, analysis.maxEditsInOneSecond.count,
        analysis.maxEditsInOneSecond.filter { $0 > 1000 / throttleMS }.count, 1000 / throttleMS,
        (analysis.minimumGaps.min() ?? .nan) * 1000, 1000.0 / Double(throttleMS), throttleMS))
print(
    String(
        format: "gaps between consecutive edits of a post at the server: p1 %.0f ms, p50 %.0f ms; %.2f %% under %d ms",
        EditAnalysis.percentile(analysis.gaps, 0.01), EditAnalysis.percentile(analysis.gaps, 0.5),
        Double(analysis.gaps.filter { $0 < Double(throttleMS) * 0.9 }.count) / Double(max(1, analysis.gaps.count))
            * 100, throttleMS * 9 / 10))
print(
    "line written → first request showing it (lines after the first \(Int(warmup)) s): "
        + "\(EditAnalysis.percentiles(analysis.delays)); never shown: \(analysis.missing) "
        + "(target p95 ≤ \(throttleMS + 50) ms)")
print(
    String(
        format: "daemon CPU while writing: %.1f s in %.1f s = %.0f %% of one core; benchmark process (fake + writer) "
            + "%.0f %%", cpuDuring, duration, cpuDuring / duration * 100, ownCPUDuring / duration * 100))
print(
    String(
        format: "daemon RSS: %.1f MiB idle before the sessions, steady %.1f MiB (median, second half), peak %.1f MiB "
            + "(VmHWM)", idleRSS, EditAnalysis.percentile(steady, 0.5), peakRSS))
