import Foundation
import Registry

/// Runs the built `dormouse` binary as a child process (not a terminal, so no colour or progress line)
/// against a server on loopback, and collects its exit status and output.
struct CLIProcess: Sendable {
    /// What one run printed and how it ended.
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output as JSON (`.null` if it is not JSON).
        var json: JSONValue { (try? JSONValue.parse(stdout)) ?? .null }
        var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// The server's port (sets `DORMOUSE_URL`), if any.
    var port: Int?
    /// Sets `DORMOUSE_API_TOKEN`.
    var token: String?
    /// More variables (they win over the ones above).
    var variables: [String: String] = [:]

    /// Runs `dormouse arguments...`, with `stdin` as its standard input (else /dev/null).
    func callAsFunction(_ arguments: String..., stdin: String? = nil) async throws -> Result {
        try await run(arguments, stdin: stdin)
    }

    /// Runs `dormouse arguments`, with `stdin` as its standard input (else /dev/null).
    func run(_ arguments: [String], stdin: String? = nil) async throws -> Result {
        try await Self.launch(arguments, environment: environment(), stdin: stdin)
    }

    private func environment() -> [String: String] {
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        environment["HOME"] = FileManager.default.temporaryDirectory.path
        if let port { environment["DORMOUSE_URL"] = "http://127.0.0.1:\(port)" }
        if let token { environment["DORMOUSE_API_TOKEN"] = token }
        return environment.merging(variables) { _, extra in extra }
    }

    /// The built `dormouse`: next to the running test bundle, else the newest `.build*/debug/dormouse`
    /// under the package root (found by walking up from this file).
    static let binary: URL? = {
        let fileManager = FileManager.default
        let besideTests = [
            ProcessInfo.processInfo.arguments.first.map { URL(fileURLWithPath: $0) },
            Bundle.main.executableURL,
        ].compactMap { $0?.deletingLastPathComponent().appendingPathComponent("dormouse") }
        if let found = besideTests.first(where: { fileManager.isExecutableFile(atPath: $0.path) }) { return found }
        var root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while root.path != "/", !fileManager.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            root.deleteLastPathComponent()
        }
        let builds = (try? fileManager.contentsOfDirectory(atPath: root.path))?.filter { $0.hasPrefix(".build") } ?? []
        return builds.map { root.appendingPathComponent("\($0)/debug/dormouse") }
            .filter { fileManager.isExecutableFile(atPath: $0.path) }
            .max { modified($0) < modified($1) }
    }()

    private static func modified(_ url: URL) -> Date {
        (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
    }

    /// Runs the process on a Dispatch thread, so waiting for it never blocks the cooperative pool.
    private static func launch(_ arguments: [String], environment: [String: String], stdin: String?) async throws
        -> Result
    {
        guard let binary else { throw CLIProcessError("the dormouse binary is not built") }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Swift.Result { try runBlocking(binary, arguments, environment: environment, stdin: stdin) })
            }
        }
    }

    private static func runBlocking(
        _ binary: URL, _ arguments: [String], environment: [String: String], stdin: String?
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        // Both pipes are drained at once, so a chatty child never blocks on a full pipe.
        let errorText = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorText.data = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorText.data, as: UTF8.self))
    }
}

/// Bytes one Dispatch block reads and another uses after `DispatchGroup.wait()`.
private final class Collected: @unchecked Sendable {
    var data = Data()
}

/// Why the CLI could not be run.
struct CLIProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
