import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

/// A host-mode worker's command: run with the payload on stdin and in the environment, output captured.
///
/// The command gets a clean environment: `PATH` fixed to `HostCommand.path` and the task's `DORMOUSE_*`
/// variables, never the server's own (which may hold `DORMOUSE_API_TOKEN` or a chat token). swift-subprocess
/// spawns it as the leader of a process group of its own, with no signal blocked and every signal at its
/// default (the server's threads block most). Cancelling the calling task (a timeout, a shutdown) kills that
/// whole group, and so does the leader's exit, so a child it left in the background cannot hold the output
/// pipe open or outlive the task. Nothing blocks a thread of the cooperative pool: swift-subprocess awaits the
/// exit and the pipes through epoll on a thread of its own.
struct HostCommand: Sendable {
    /// The only `PATH` a host command sees.
    static let path = "/usr/local/bin:/usr/bin:/bin"

    /// SIGPIPE ignored, process-wide, once: a command that exits without reading all its stdin makes the
    /// payload's write fail with EPIPE, which must not end the server. SwiftNIO does the same the first time it
    /// opens a socket; the command itself starts with every signal at its default.
    private static let brokenPipeIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    let argv: [String]
    /// The task's variables (`DORMOUSE_PAYLOAD`, `DORMOUSE_TASK_ID`, `DORMOUSE_AGENT`).
    let environment: [String: String]
    let stdin: String

    /// Everything the command's environment holds: the task's variables and `PATH`.
    var commandEnvironment: [String: String] {
        environment.merging(["PATH": Self.path]) { _, path in path }
    }

    /// Runs the command to its end; cancelling the calling task kills its process group.
    func run(outputLimit: Int) async throws -> WorkerDelivery.Result {
        Self.brokenPipeIgnored
        var options = PlatformOptions()
        // Group 0: a new group, named after the command's own pid.
        options.processGroupID = 0
        let payload = Array(stdin.utf8)
        // `env` (found on the fixed PATH: `/usr/bin/env`) looks the program up on that PATH, as a shell would, and
        // reports an unknown one (exit 127).
        let execution = try await Subprocess.run(
            .name("env"), arguments: Arguments(argv), environment: .custom(rawEnvironment),
            platformOptions: options, input: .inputWriter, output: .sequence, error: .combinedWithOutput
        ) { execution in
            let group = HostProcessGroup(leader: execution.processIdentifier.value)
            return try await withTaskCancellationHandler {
                async let written: Void = Self.write(payload, to: execution.standardInputWriter)
                let output = try await Self.read(execution.standardOutput, limit: outputLimit)
                await written
                group.outputEnded()
                try Task.checkCancellation()
                return output
            } onCancel: {
                group.kill()
            }
        }
        let (output, truncated) = execution.closureResult
        return WorkerDelivery.Result(
            exitCode: Self.code(execution.terminationStatus),
            output: String(decoding: output, as: UTF8.self), outputTruncated: truncated)
    }

    /// The environment as `NAME=value` C strings. swift-subprocess copies each entry with `strdup`, so each ends
    /// with its NUL here (without it, the copy ran on past the array).
    private var rawEnvironment: [[UInt8]] {
        commandEnvironment.map { Array("\($0.key)=\($0.value)".utf8) + [0] }
    }

    /// The exit code, or the number of the signal that ended the command (as Foundation's `Process` reported).
    static func code(_ status: TerminationStatus) -> Int {
        switch status {
        case .exited(let code): Int(code)
        case .signaled(let signal): Int(signal)
        }
    }

    /// Writes the payload and closes stdin. A command that exits without reading its stdin closes the pipe; the
    /// write error is then moot.
    private static func write(_ payload: [UInt8], to writer: StandardInputWriter) async {
        _ = try? await writer.write(payload)
        try? await writer.finish()
    }

    /// Reads the output to its end, keeping at most `limit` bytes; whether any were left out.
    private static func read(
        _ output: SubprocessOutputSequence, limit: Int
    ) async throws -> (output: [UInt8], truncated: Bool) {
        var kept: [UInt8] = []
        var truncated = false
        for try await chunk in output {
            let room = limit - kept.count
            if chunk.count > room { truncated = true }
            if room > 0 { chunk.withUnsafeBytes { kept.append(contentsOf: $0.prefix(room)) } }
        }
        return (kept, truncated)
    }
}
