import Foundation
import TestSupport

/// `dormouse serve` as a child process under `prlimit --nofile=N:N`, with a database of its own, whose CPU time
/// and open descriptors a test can read from `/proc`.
struct LimitedServerProcess: Sendable {
    let process: Process
    let port: Int
    let folder: URL

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") && CLIProcess.binary != nil
            && FileManager.default.fileExists(atPath: "/proc/self/stat")
    }

    /// Starts the server with at most `openFiles` descriptors (its soft limit; the hard one is `hardOpenFiles`,
    /// the same by default) and `variables` over a quiet default environment, and returns once it answers `/health`.
    ///
    /// The server picks its own port (`--port 0`) and the test reads it from the server's "listening" line: a port
    /// chosen here and bound there could be taken in between by another test's server, whose answers were then
    /// taken for this one's (CI: a 200 where the capped server would have answered 503).
    static func start(openFiles: Int, hardOpenFiles: Int? = nil, variables: [String: String] = [:]) async throws
        -> LimitedServerProcess
    {
        guard let binary = CLIProcess.binary else { throw CLIProcessError("the dormouse binary is not built") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = [
            "--nofile=\(openFiles):\(hardOpenFiles ?? openFiles)", binary.path, "serve", "--port", "0",
        ]
        process.environment = [
            "PATH": "/usr/bin:/bin", "DORMOUSE_DB": folder.appendingPathComponent("d.sqlite").path,
            // Notices: the line that names the port; otherwise errors only.
            "LOG_LEVEL": "notice",
        ].merging(variables) { _, given in given }
        process.standardOutput = FileHandle.nullDevice
        // Kept, so a failing test can show why the server ended.
        let errorLog = folder.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        var port: Int?
        for _ in 0..<400 where port == nil && process.isRunning {
            port = listeningPort(in: (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "")
            if port == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        let unstarted = LimitedServerProcess(process: process, port: port ?? 0, folder: folder)
        guard let port else {
            unstarted.stop()
            throw CLIProcessError("dormouse serve did not say where it listens: \(unstarted.errorOutput)")
        }
        let server = LimitedServerProcess(process: process, port: port, folder: folder)
        for _ in 0..<400 {
            if let answer = try? await server.health(), answer.hasPrefix("HTTP/1.1 200") { return server }
            try await Task.sleep(for: .milliseconds(25))
        }
        server.stop()
        throw CLIProcessError("dormouse serve did not answer on port \(port): \(server.errorOutput)")
    }

    /// The port in the server's `dormouse listening` line (`http.url=http://127.0.0.1:PORT`), once written.
    static func listeningPort(in log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("dormouse listening") }),
            let url = line.split(separator: " ").first(where: { $0.hasPrefix("http.url=") }),
            let colon = url.lastIndex(of: ":")
        else { return nil }
        return Int(url[url.index(after: colon)...])
    }

    /// What the server wrote to its standard error (notices and errors), for failure messages.
    var errorOutput: String {
        let text = (try? String(contentsOf: folder.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
        return text.isEmpty ? "(nothing on stderr)" : String(text.suffix(2_000))
    }

    /// `GET /health` on a new connection: the whole answer, once the server has sent it and closed.
    func health() async throws -> String {
        try await RawConnection.with(port: port) { connection in
            // A refused connection may be answered and closed before the request is written.
            try? await connection.send(
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
            await connection.readToEnd()
            return connection.received
        }
    }

    /// The soft open-file limit in force in the server, from `/proc/PID/limits`.
    var softOpenFileLimit: Int? {
        let limits = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let line = limits?.split(separator: "\n").first { $0.hasPrefix("Max open files") }
        return line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
    }

    /// Descriptors the server has open.
    var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? 0
    }

    /// CPU time the server has used, user and system, from `/proc/PID/stat` (in clock ticks of 1/100 s).
    var cpuTicks: Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }

    /// The share of one core the server used over `window`, in percent.
    func cpuPercent(over window: Duration) async throws -> Double {
        let before = cpuTicks
        let started = ContinuousClock.now
        try await Task.sleep(for: window)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(cpuTicks - before) / 100 / seconds * 100
    }

    func stop() {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: folder)
    }

    func stopAndWait() async {
        if process.isRunning { process.terminate() }
        await process.waitForExit()
        try? FileManager.default.removeItem(at: folder)
    }
}
