import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The files of a background `dormouse watch` and the checks on the process its PID file names. Beside the
/// PID file (`watch.pid`) sit the health port the instance bound (`watch.port`) and, by default, its log
/// (`watch.log`).
struct WatchInstance: Sendable {
    /// What the PID file says about the background instance.
    enum State: Sendable, Equatable {
        /// No PID file.
        case notRunning
        /// The PID file names a live `dormouse watch` process.
        case running(pid: Int32)
        /// The PID file is left over: its process is gone, is another program, or the file is unreadable.
        case stale(pid: Int32?, reason: String)
    }

    let pidFile: String
    let logFile: String

    init(pidFile: String, logFile: String? = nil) {
        self.pidFile = pidFile
        self.logFile = logFile ?? Self.sibling(of: pidFile, extension: "log")
    }

    /// Where the running instance writes the port its health route listens on.
    var portFile: String { Self.sibling(of: pidFile, extension: "port") }

    /// `/dir/watch.pid` → `/dir/watch.<extension>`.
    private static func sibling(of path: String, extension: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension(`extension`).path
    }

    func state() -> State {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else {
            return FileManager.default.fileExists(atPath: pidFile)
                ? .stale(pid: nil, reason: "the PID file cannot be read") : .notRunning
        }
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else {
            return .stale(pid: nil, reason: "the PID file does not hold a process id")
        }
        if !Self.isAlive(pid) { return .stale(pid: pid, reason: "no such process") }
        guard Self.isWatchProcess(pid) else { return .stale(pid: pid, reason: "the process is not dormouse watch") }
        return .running(pid: pid)
    }

    /// Writes `pid` to the PID file atomically (a temporary file renamed over it), creating its folder.
    func writePID(_ pid: Int32) throws {
        try Self.writeAtomically("\(pid)\n", to: pidFile)
    }

    /// The health port the running instance wrote, if any.
    func healthPort() -> Int? {
        (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Removes the PID file and the port file.
    func removeFiles() {
        unlink(pidFile)
        unlink(portFile)
    }

    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Whether `pid` names a process that has not exited (a zombie waiting to be reaped counts as exited).
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        // The state letter follows the command name, which is in parentheses and may itself hold spaces.
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// Whether `pid`'s command line is a `dormouse watch` run (not a reused PID, nor `watch start/stop/status`).
    static func isWatchProcess(_ pid: Int32) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.count >= 2, URL(fileURLWithPath: arguments[0]).lastPathComponent.contains("dormouse"),
            arguments[1] == "watch"
        else { return false }
        return arguments.count == 2 || !["start", "stop", "status"].contains(arguments[2])
    }
}
