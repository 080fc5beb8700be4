import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The `dormouse serve` process under test.
struct Server {
    let process: Process
    var pid: Int32 { process.processIdentifier }

    static func launch(binary: String, port: Int, database: String) throws -> Server {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["DORMOUSE_DB"] = database
        environment["LOG_LEVEL"] = "error"
        environment.removeValue(forKey: "DORMOUSE_API_TOKEN")
        process.environment = environment
        try process.run()
        return Server(process: process)
    }

    static func waitUntilHealthy(base: String, client: HTTPClient) async throws {
        for _ in 0..<200 {
            if let response = try? await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(2)),
                response.status.code == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkError("dormouse serve did not answer /health")
    }

    /// PSS of the process (shared pages divided among the processes mapping them), in MiB.
    static func proportionalMiB(pid: Int32) -> String {
        guard let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8),
            let line = rollup.split(separator: "\n").first(where: { $0.hasPrefix("Pss:") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return "?" }
        return String(format: "%.1f", kib / 1024)
    }

    /// VmRSS of the process, in MiB.
    static func residentMiB(pid: Int32) -> String {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return "?" }
        return String(format: "%.1f", kib / 1024)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
