import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Registry
import Synchronization
import TestSupport
import Testing

@testable import DormouseClient

/// `dormouse events`, run as the built binary: the history, and `--follow` resuming after a server restart.
@Suite("CLI events", .serialized, .tags(.process), .outsideUnitLane)
struct CLIEventsTests {
    static let agent =
        #"{"name":"w1","mode":"container","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"]}}"#

    @Test func printsTheHistoryThenExits() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/start")
            try await client.post("/agents/w1/stop")
            let cli = CLIProcess(port: client.client.port)
            let table = try await cli("events")
            #expect(table.status == 0, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.contains("container.lazy_started") == true)
            #expect(lines.last?.contains("w1 stopped after") == true)
            let json = try await cli("events", "--json", "--type", "container.lazy_stopped")
            let events = json.stdout.split(separator: "\n").map { (try? JSONValue.parse(String($0))) ?? .null }
            #expect(events.map { $0["id"].int } == [2])
            #expect(events.first?["instance"].string == "w1")
        }
    }

    @Test func followResumesAfterTheServerRestarts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try Self.freePort()
        let database = folder.appendingPathComponent("d.sqlite").path
        let follower = try FollowingProcess(["events", "--follow", "--json"], port: port)
        defer { follower.stop() }
        // The real server twice on one port and database (the in-process test server cannot keep a port).
        // Each operator start of an agent whose container does not exist writes one lazy_start_failed event.
        let agent =
            #"{"name":"w1","mode":"container","container":{"name":"absent"},"dispatch":{"type":"exec","argv":["x"]}}"#
        let first = try await ServerProcess.start(port: port, database: database)
        try await first.post("/agents", agent, expect: 201)
        try await first.post("/agents/w1/start", expect: 409)
        try await first.post("/agents/w1/start", expect: 409)
        #expect(await follower.lines(2).count == 2)
        await first.stopAndWait()
        let second = try await ServerProcess.start(port: port, database: database)
        defer { second.stop() }
        try await second.post("/agents/w1/start", expect: 409)
        let lines = await follower.lines(3)
        #expect(lines.map { (try? JSONValue.parse($0))?["id"].int } == [1, 2, 3], "\(lines)")
    }

    static func freePort() throws -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(probe, $0, length) == 0 && getsockname(probe, $0, &length) == 0
            }
        }
        guard bound else { throw CLIProcessError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The built `dormouse` running in the background, its standard output collected line by line.
final class FollowingProcess: Sendable {
    private let process: Process
    private let state = Mutex<(lines: [String], pending: String)>(([], ""))
    private let changes = ChangeSignal()

    init(_ arguments: [String], port: Int) throws {
        guard let binary = CLIProcess.binary else { throw CLIProcessError("the dormouse binary is not built") }
        process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "DORMOUSE_URL": "http://127.0.0.1:\(port)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = output.fileHandleForReading
        // Blocking reads on a thread of their own, until the process closes its output.
        DispatchQueue.global().async { [weak self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                self?.receive(String(decoding: data, as: UTF8.self))
            }
        }
    }

    private func receive(_ text: String) {
        state.withLock { state in
            state.pending += text
            while let end = state.pending.firstIndex(of: "\n") {
                state.lines.append(String(state.pending[..<end]))
                state.pending.removeSubrange(...end)
            }
        }
        changes.notify()
    }

    /// Every line printed, once there are at least `count`; when there are not within `limit`, the test fails at
    /// the caller's line and the lines so far are returned.
    func lines(
        _ count: Int, within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [String] {
        let printed = { self.state.withLock { $0.lines } }
        return await changes.expect(within: limit, sourceLocation: sourceLocation) {
            let lines = printed()
            return lines.count >= count ? lines : nil
        } ?? printed()
    }

    /// Sends SIGTERM without waiting (for `defer`); `stopAndWait` when the process must be gone.
    func stop() {
        if process.isRunning { process.terminate() }
    }

    func stopAndWait() async {
        stop()
        await process.waitForExit()
    }
}

/// `dormouse serve` as a child process.
struct ServerProcess: Sendable {
    let process: Process
    let port: Int

    static func start(port: Int, database: String) async throws -> ServerProcess {
        guard let binary = CLIProcess.binary else { throw CLIProcessError("the dormouse binary is not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "\(port)"]
        process.environment = ["PATH": "/usr/bin:/bin", "DORMOUSE_DB": database, "LOG_LEVEL": "error"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = ServerProcess(process: process, port: port)
        // Readiness of another process: poll its health route until it answers.
        for _ in 0..<400 {
            if (try? await server.send("GET", "/health", nil)) == 200 { return server }
            try await Task.sleep(for: .milliseconds(25))
        }
        server.stop()
        throw CLIProcessError("dormouse serve did not answer on port \(port)")
    }

    func post(_ path: String, _ body: String? = nil, expect status: Int) async throws {
        let answered = try await send("POST", path, body)
        #expect(answered == status, "POST \(path)")
    }

    private func send(_ method: String, _ path: String, _ body: String?) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await APIClient.wideClient.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Sends SIGTERM without waiting (for `defer`); `stopAndWait` when the process must be gone.
    func stop() {
        if process.isRunning { process.terminate() }
    }

    func stopAndWait() async {
        stop()
        await process.waitForExit()
    }
}
