import ArgumentParser
import DormouseClient
import Foundation
import Registry
import WatchDaemon

/// `dormouse watch status`: whether the background instance runs, its PID, and its health figures. Exits 0
/// when running, 3 when not, 1 when not running but a stale PID file is left (LSB).
struct WatchStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Report whether the background watcher runs, and its health figures.",
        discussion: """
            The figures come from the instance's GET /health: active and waiting sessions, updates sent and \
            failed, queue depth, the circuit breaker and the last error.

            Example:
              dormouse watch status --json

            \(WatchExitCode.summary)
            """)

    @OptionGroup var instance: WatchControlOptions

    @Flag(help: "Print JSON: {\"running\", \"pid\", \"pid_file\", \"health_url\", \"health\", \"health_error\"}.")
    var json = false

    func run() async throws {
        let output = CLIOutput(json: json, environment: ProcessInfo.processInfo.environment)
        try await CLIFailure.reporting(to: output) { try await status(output: output) }
    }

    private func status(output: CLIOutput) async throws {
        let control = try instance.control()
        let files = WatchInstance(pidFile: control.pidFile)
        var report: [String: JSONValue] = ["running": .bool(false), "pid_file": .string(files.pidFile)]
        switch files.state() {
        case .notRunning:
            emit(report, "dormouse watch is not running", output)
            throw ExitCode(WatchExitCode.notRunning)
        case .stale(let pid, let reason):
            if let pid { report["pid"] = .integer(Int64(pid)) }
            report["stale_reason"] = .string(reason)
            emit(report, "dormouse watch is not running (stale PID file \(files.pidFile): \(reason))", output)
            throw ExitCode(WatchExitCode.failure)
        case .running(let pid):
            report["running"] = .bool(true)
            report["pid"] = .integer(Int64(pid))
            let port = files.healthPort() ?? control.healthPort
            let url = WatchHealthProbe.url(host: control.healthHost, port: port)
            report["health_url"] = .string(url)
            var lines = ["dormouse watch is running (pid \(pid))"]
            do {
                let answer = try await WatchHealthProbe.fetch(host: control.healthHost, port: port)
                let body = (try? JSONValue.parse(String(decoding: answer.body, as: UTF8.self))) ?? .null
                report["health"] = body
                lines += Self.describe(body, url: url)
            } catch {
                report["health_error"] = .string("\(error)")
                lines.append("health: no answer from \(url) (\(error))")
            }
            emit(report, lines.joined(separator: "\n"), output)
        }
    }

    private func emit(_ report: [String: JSONValue], _ text: String, _ output: CLIOutput) {
        output.line(output.json ? JSONValue.object(report).jsonText : text)
    }

    /// The health document as lines for people.
    static func describe(_ health: JSONValue, url: String) -> [String] {
        func number(_ key: String) -> String { health.field(key).intValue.map(String.init) ?? "?" }
        return [
            "health: \(health.field("status").stringValue ?? "?") (\(url))",
            "  sessions: \(number("active_sessions")) with a post, \(number("waiting_sessions")) waiting,"
                + " \(number("sessions")) followed",
            "  updates: \(number("updates_sent")) sent, \(number("updates_failed")) failed,"
                + " \(number("queue_depth")) queued",
            "  circuit: \(health.field("circuit").stringValue ?? "?")",
            "  last error: \(health.field("last_error").stringValue ?? "none")",
            "  lines parsed: \(number("lines_parsed")), \(number("skipped_lines")) skipped (over the size cap)",
        ]
    }
}
