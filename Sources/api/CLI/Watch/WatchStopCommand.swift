import ArgumentParser
import DormouseClient
import Foundation
import WatchDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// `dormouse watch stop`: sends SIGTERM to the background instance, waits (bounded) until it has exited, and
/// removes its PID file. Exits 7 when nothing was running.
struct WatchStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the background watcher (SIGTERM, then wait for it to exit).",
        discussion: """
            Example:
              dormouse watch stop --timeout 30

            \(WatchExitCode.summary)
            """)

    @OptionGroup var instance: WatchControlOptions

    @Option(help: "Seconds to wait for the instance to exit after SIGTERM.")
    var timeout: Int = 20

    func run() async throws {
        let output = CLIOutput(json: false, environment: ProcessInfo.processInfo.environment)
        try await CLIFailure.reporting(to: output) { try await stop(output: output) }
    }

    private func stop(output: CLIOutput) async throws {
        let files = WatchInstance(pidFile: try instance.control().pidFile)
        let pid: Int32
        switch files.state() {
        case .notRunning:
            output.error("the watcher is not running (no PID file at \(files.pidFile))")
            throw ExitCode(WatchExitCode.stopNotRunning)
        case .stale(let stalePID, let reason):
            files.removeFiles()
            output.error(
                "the watcher is not running; removed the stale PID file \(files.pidFile)"
                    + " (\(stalePID.map { "pid \($0): " } ?? "")\(reason))")
            throw ExitCode(WatchExitCode.stopNotRunning)
        case .running(let running):
            pid = running
        }
        guard kill(pid, SIGTERM) == 0 else {
            throw CLIError.other("cannot signal pid \(pid): \(String(cString: strerror(errno)))")
        }
        // Another process's exit cannot be awaited (it is not our child): poll, bounded.
        let deadline = ContinuousClock.now + .seconds(timeout)
        while WatchInstance.isAlive(pid) {
            guard ContinuousClock.now < deadline else {
                throw CLIError.other(
                    "the watcher (pid \(pid)) is still running \(timeout) s after SIGTERM; the PID file is kept"
                        + " (kill -KILL \(pid) to end it)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        files.removeFiles()
        output.line("dormouse watch stopped (pid \(pid))")
    }
}
