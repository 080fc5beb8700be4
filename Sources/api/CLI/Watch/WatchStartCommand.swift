import ArgumentParser
import DormouseClient
import Foundation
import Logging
import Server
import WatchDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// `dormouse watch start`: runs `dormouse watch` in the background (own session, output to a log file), writes
/// the PID file and returns once the instance answers its health route. Refuses a second instance; replaces a
/// stale PID file.
struct WatchStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run the watcher in the background and wait until it is healthy.",
        discussion: """
            The instance gets the same environment; its output goes to --log-file (default: watch.log beside \
            the PID file) and the port of its health route to watch.port beside the PID file. A PID file that \
            names a dead process, or a process that is not `dormouse watch`, is reported and replaced.

            Example:
              dormouse watch start --pid-file /run/user/1000/dormouse/watch.pid

            \(WatchExitCode.summary)
            """)

    @OptionGroup var instance: WatchControlOptions

    @Option(
        name: .customLong("log-file"),
        help: "Where the instance's output goes (default: watch.log beside the PID file).")
    var logFile: String?

    @Option(help: "Log level of the instance; overrides LOG_LEVEL.")
    var logLevel: Logger.Level?

    @Option(help: "Seconds to wait for the instance to answer its health route.")
    var timeout: Int = 30

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let output = CLIOutput(json: false, environment: environment)
        try await CLIFailure.reporting(to: output) { try await start(environment, output: output) }
    }

    private func start(_ environment: [String: String], output: CLIOutput) async throws {
        // Bad settings are reported here, not in a log file after a detached start.
        let settings = try WatcherEnvironment.settings(from: environment)
        guard !settings.chats.isEmpty else {
            throw ConfigurationError("nothing to post to: \(WatchSettings.noChatHint)")
        }
        var control = settings.control
        if let pidFile = instance.pidFile, !pidFile.isEmpty { control.pidFile = pidFile }
        let files = WatchInstance(pidFile: control.pidFile, logFile: logFile)
        let lock = try Self.lock(files)
        defer { close(lock) }
        switch files.state() {
        case .running(let pid):
            throw CLIError.other("the watcher is already running (pid \(pid), PID file \(files.pidFile))")
        case .stale(let pid, let reason):
            output.error("removing the stale PID file \(files.pidFile) (\(pid.map { "pid \($0): " } ?? "")\(reason))")
            files.removeFiles()
        case .notRunning:
            unlink(files.portFile)
        }
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: files.pidFile).deletingLastPathComponent(), withIntermediateDirectories: true)
        var arguments = ["watch", "run", "--port-file", files.portFile]
        if let logLevel { arguments += ["--log-level", logLevel.rawValue] }
        let logStart = Self.size(of: files.logFile)
        let child = try DetachedProcess.spawn(
            DetachedProcess.currentExecutable(), arguments, environment: environment, logFile: files.logFile)
        do {
            try files.writePID(child.pid)
        } catch {
            kill(child.pid, SIGTERM)
            throw CLIError.other("cannot write the PID file \(files.pidFile), so the watcher was stopped: \(error)")
        }
        let url = try await waitUntilHealthy(child, files: files, host: control.healthHost, logStart: logStart)
        output.line("dormouse watch started (pid \(child.pid)); health \(url); log \(files.logFile)")
    }

    /// Polls the child's health route (another process: there is nothing to await) until it answers, the child
    /// exits, or `timeout` passes; returns the health URL.
    private func waitUntilHealthy(
        _ child: DetachedProcess, files: WatchInstance, host: String, logStart: UInt64
    ) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if let exit = child.exitIfEnded() {
                files.removeFiles()
                let how =
                    switch exit {
                    case .exited(let status): "exited with status \(status)"
                    case .signalled(let signal): "was killed by signal \(signal)"
                    }
                throw CLIError.other(
                    "the watcher \(how) before it was healthy; its output (\(files.logFile)):\n"
                        + Self.tail(of: files.logFile, from: logStart))
            }
            if let port = files.healthPort(), (try? await WatchHealthProbe.fetch(host: host, port: port)) != nil {
                return WatchHealthProbe.url(host: host, port: port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(child.pid, SIGTERM)
        files.removeFiles()
        throw CLIError.other(
            "the watcher did not answer its health route within \(timeout) s, so it was stopped; see \(files.logFile)")
    }

    /// The last lines a log file got after `offset` (what this start's child wrote).
    private static func tail(of path: String, from offset: UInt64, lines: Int = 20) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private static func size(of path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// An exclusive lock beside the PID file, so two `start`s at once cannot both launch an instance.
    private static func lock(_ files: WatchInstance) throws -> Int32 {
        let path = files.pidFile + ".lock"
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError.other("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw CLIError.other("another `watch start` for \(files.pidFile) is in progress")
        }
        return descriptor
    }
}
