import Foundation

/// A Docker engine reached through a relay that a test can cut: `socat` listening on a unix socket of its own and
/// forwarding every connection to the engine's socket. `cut()` kills the relay's whole process group, so the
/// connections already open end with it and new ones are refused, as when the engine's host goes away, while
/// the engine itself (shared with other tests) runs on.
package final class EngineRelay: Sendable {
    /// The relay's socket as a `DOCKER_HOST` (`unix:///…`).
    package let host: String
    private let process: Process
    private let directory: URL

    /// Starts relaying to the engine at `engineSocket` (a path) and returns once the relay listens.
    package init(to engineSocket: String) async throws {
        // A short path: a unix socket's name may not exceed 107 bytes.
        directory = URL(fileURLWithPath: "/tmp/dormouse-relay-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("engine.sock").path
        host = "unix://\(socket)"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        process.arguments = ["UNIX-LISTEN:\(socket),fork", "UNIX-CONNECT:\(engineSocket)"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw RelayFailed("could not run socat (scripts/cluster.sh installs it): \(error)")
        }
        // Foundation starts a child as the leader of a process group of its own, which the connections socat
        // forks join: one signal to the group ends them all.
        guard getpgid(process.processIdentifier) == process.processIdentifier else {
            kill(process.processIdentifier, SIGKILL)
            await process.waitForExit()
            try? FileManager.default.removeItem(at: directory)
            throw RelayFailed("socat was not started in a process group of its own")
        }
        do {
            try await poll("the relay to \(engineSocket) listening", within: .seconds(10), every: .milliseconds(20)) {
                guard process.isRunning else { throw RelayFailed("socat exited with \(process.terminationStatus)") }
                return FileManager.default.fileExists(atPath: socket)
            }
        } catch {
            await cut()
            throw error
        }
    }

    /// Kills the relay and every connection it forwards, and removes its socket; waits until it has exited.
    package func cut() async {
        if process.isRunning { kill(-process.processIdentifier, SIGKILL) }
        await process.waitForExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The relay could not be started.
package struct RelayFailed: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
