import Foundation
import TestSupport

/// The `docker` CLI against one engine, run as a child process whose end is awaited off the cooperative pool.
struct DockerCLI: Sendable {
    /// What one run printed and how it ended.
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String

        /// Standard output without the trailing newline.
        var text: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        /// The non-empty lines of standard output.
        var lines: [String] { stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }

    let host: String
    var flags: [String] = []
    var environment: [String: String] = [:]

    /// Runs `docker -H host flags... arguments...`; throws `DockerCLIFailed` on a non-zero status unless
    /// `check` is false.
    @discardableResult
    func run(_ arguments: [String], check: Bool = true) async throws -> Output {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dormouse-docker-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["docker", "-H", host] + flags + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            .filter { $0.key != "DOCKER_HOST" && $0.key != "DOCKER_TLS_VERIFY" && $0.key != "DOCKER_CERT_PATH" }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        await process.waitForExit()

        let output = Output(
            status: process.terminationStatus, stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "")
        if check, output.status != 0 {
            throw DockerCLIFailed(arguments: arguments, output: output)
        }
        return output
    }
}

/// A `docker` command ended with a non-zero status.
struct DockerCLIFailed: Error, CustomStringConvertible {
    let arguments: [String]
    let output: DockerCLI.Output

    var description: String {
        "docker \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)\(output.stdout)"
    }
}
