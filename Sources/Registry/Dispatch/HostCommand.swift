import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A host-mode worker's command: run with the payload on stdin and in the environment, output captured.
///
/// The command gets a clean environment: `PATH` fixed to `HostCommand.path` and the task's `DORMOUSE_*`
/// variables, never the server's own (which may hold `DORMOUSE_API_TOKEN` or a chat token). It runs as the
/// leader of a process group of its own (Foundation's `Process` spawns it so); cancelling the calling task
/// (a timeout, a shutdown) kills that whole group, so a child it left in the background cannot hold the output
/// pipe open or outlive the task. It starts with no signal blocked (the server's threads block most). Nothing
/// blocks a thread of the cooperative pool: the exit is awaited through the termination handler, the pipes are
/// read and written on Dispatch threads.
struct HostCommand: Sendable {
    /// The only `PATH` a host command sees.
    static let path = "/usr/local/bin:/usr/bin:/bin"

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
        let process = Process()
        // `env` looks the program up on the fixed PATH, as a shell would.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.environment = commandEnvironment
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { ended in
            exited.yield(ended.terminationStatus)
            exited.finish()
        }
        try await Self.launch(process)
        let group = ProcessGroup(leader: process.processIdentifier)
        return try await withTaskCancellationHandler {
            let payload = Data(stdin.utf8)
            DispatchQueue.global().async {
                // A command that exits without reading its stdin closes the pipe; the write error is moot.
                try? input.fileHandleForWriting.write(contentsOf: payload)
                try? input.fileHandleForWriting.close()
            }
            let (data, truncated) = await Self.read(output.fileHandleForReading, limit: outputLimit)
            var status: Int32 = -1
            for await code in exits { status = code }
            group.exited()
            try Task.checkCancellation()
            return WorkerDelivery.Result(
                exitCode: Int(status), output: String(decoding: data, as: UTF8.self), outputTruncated: truncated)
        } onCancel: {
            group.kill()
        }
    }

    /// Starts the process from a thread of its own with an empty signal mask. A child inherits the mask of the
    /// thread that spawns it, and the threads of Dispatch and of the cooperative pool block most signals
    /// (SIGCHLD and SIGTERM among them): spawned from one, a shell waiting for its children never woke.
    private static func launch(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                var unblocked = sigset_t()
                sigemptyset(&unblocked)
                pthread_sigmask(SIG_SETMASK, &unblocked, nil)
                continuation.resume(with: Result { try process.run() })
            }
            thread.start()
        }
    }

    /// Reads to end of file on a thread of its own (the reads block), keeping at most `limit` bytes.
    private static func read(_ handle: FileHandle, limit: Int) async -> (Data, Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var kept = Data()
                var truncated = false
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    let room = limit - kept.count
                    if chunk.count > room { truncated = true }
                    if room > 0 { kept.append(chunk.prefix(room)) }
                }
                continuation.resume(returning: (kept, truncated))
            }
        }
    }
}

/// The process group a host command leads, killed as a whole on cancellation.
private final class ProcessGroup: Sendable {
    private let leader: pid_t
    /// Set once the output has ended and the leader was reaped: the group is then left alone, since its id
    /// could in time name another group.
    private let finished = Mutex(false)

    init(leader: pid_t) {
        self.leader = leader
    }

    func exited() {
        finished.withLock { $0 = true }
    }

    /// Sends SIGKILL to every process of the group: the command and whatever it started in the background.
    func kill() {
        finished.withLock { finished in
            guard !finished, leader > 1 else { return }
            _ = Glibc.kill(-leader, SIGKILL)
        }
    }
}
