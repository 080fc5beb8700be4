import DormouseClient
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started in a session of its own (`setsid`), with standard input from `/dev/null` and its
/// output appended to a log file, so it outlives the command that started it and its terminal.
struct DetachedProcess: Sendable {
    let pid: Int32

    /// How the child ended, once it has.
    enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// `POSIX_SPAWN_SETSID` (glibc ≥ 2.26); the macro is behind `_GNU_SOURCE`, which Swift does not define.
    private static let spawnSetSID: Int16 = 0x80

    /// Starts `executable arguments...` with `environment`, output appended to `logFile` (created 0640).
    static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], logFile: String
    ) throws -> DetachedProcess {
        let log = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard log >= 0 else { throw CLIError.other("cannot open the log file \(logFile): \(errnoText())") }
        defer { close(log) }
        closeInheritedDescriptorsOnExec()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, log, STDERR_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session: no controlling terminal, and a SIGINT/SIGHUP meant for the caller's terminal misses it.
        // Signals the caller ignores would stay ignored across exec, so the child gets the defaults back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(
            &attributes, spawnSetSID | Int16(POSIX_SPAWN_SETSIGDEF) | Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw CLIError.other("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return DetachedProcess(pid: pid)
    }

    /// How the child ended, or nil while it runs (does not block; reaps it once it has ended).
    func exitIfEnded() -> Exit? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }

    /// Marks every descriptor above standard error close-on-exec. One inherited from whoever started this
    /// command must not reach the detached child: Foundation's `Process`, for one, learns that its child exited
    /// when a socket the child inherited closes, and would wait for the detached instance instead.
    private static func closeInheritedDescriptorsOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for descriptor in entries.compactMap({ Int32($0) }) where descriptor > STDERR_FILENO {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
    }

    /// The path of the running executable.
    static func currentExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
