import Foundation

/// A host-mode worker's command: run with the payload on stdin and in the environment, output captured.
struct HostCommand: Sendable {
    let argv: [String]
    let environment: [String: String]
    let stdin: String

    /// Runs the command to its end; cancelling the calling task terminates it.
    func run(outputLimit: Int) async throws -> WorkerDelivery.Result {
        let process = Process()
        // `env` looks the program up on PATH, as a shell would.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, task in task }
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        try process.run()
        return try await withTaskCancellationHandler {
            let payload = Data(stdin.utf8)
            DispatchQueue.global().async {
                // A command that exits without reading its stdin closes the pipe; the write error is moot.
                try? input.fileHandleForWriting.write(contentsOf: payload)
                try? input.fileHandleForWriting.close()
            }
            let (data, truncated) = await Self.read(output.fileHandleForReading, limit: outputLimit)
            process.waitUntilExit()
            try Task.checkCancellation()
            return WorkerDelivery.Result(
                exitCode: Int(process.terminationStatus), output: String(decoding: data, as: UTF8.self),
                outputTruncated: truncated)
        } onCancel: {
            if process.isRunning { process.terminate() }
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
