import Foundation

/// The `docker` CLI against one engine, run as a child process whose end is awaited off the cooperative pool.
package struct DockerCLI: Sendable {
    /// What one run printed and how it ended.
    package struct Output: Sendable {
        package let status: Int32
        package let stdout: String
        package let stderr: String

        /// Standard output without the trailing newline.
        package var text: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        /// The non-empty lines of standard output.
        package var lines: [String] { stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }

    package let host: String
    package var flags: [String] = []
    package var environment: [String: String] = [:]

    package init(host: String, flags: [String] = [], environment: [String: String] = [:]) {
        self.host = host
        self.flags = flags
        self.environment = environment
    }

    /// Runs `docker -H host flags... arguments...`; throws `DockerCLIFailed` on a non-zero status unless
    /// `check` is false.
    @discardableResult
    package func run(_ arguments: [String], check: Bool = true) async throws -> Output {
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
package struct DockerCLIFailed: Error, CustomStringConvertible {
    package let arguments: [String]
    package let output: DockerCLI.Output

    package var description: String {
        "docker \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)\(output.stdout)"
    }
}
