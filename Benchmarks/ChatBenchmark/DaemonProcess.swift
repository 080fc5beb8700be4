import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The release `dormouse watch` process under test, and what /proc says about it.
struct DaemonProcess {
    let process: Process
    var pid: Int32 { process.processIdentifier }

    /// Starts `binary watch` with `environment` added to this process's; the health port goes to `portFile`.
    static func launch(binary: String, environment extra: [String: String], portFile: String) throws -> DaemonProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["watch", "--port-file", portFile]
        var environment = ProcessInfo.processInfo.environment
        for name in ["TRANSCRIPT_DIR", "DORMOUSE_URL", "DORMOUSE_API_TOKEN", "PID_FILE"] {
            environment.removeValue(forKey: name)
        }
        environment.merge(extra) { _, new in new }
        process.environment = environment
        try process.run()
        return DaemonProcess(process: process)
    }

    /// Waits until the daemon wrote its health port (its services are starting), then a settling pause so the
    /// engine's startup scan is done before any session file exists.
    func waitUntilListening(portFile: String) async throws {
        for _ in 0..<400 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), Int(text.trimmed) != nil {
                try await Task.sleep(for: .seconds(1))
                return
            }
            guard process.isRunning else { throw BenchmarkError("dormouse watch exited at startup") }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw BenchmarkError("dormouse watch did not write its health port")
    }

    /// Sends SIGTERM and waits for the graceful stop.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// User + system CPU time the process has used so far, in seconds (`/proc/<pid>/stat` fields 14 and 15).
    static func cpuSeconds(pid: String) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command name's closing parenthesis the fields start at field 3 (state).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in MiB.
    static func statusMiB(pid: String, field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("\(field):") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// A benchmark failure with its reason.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
