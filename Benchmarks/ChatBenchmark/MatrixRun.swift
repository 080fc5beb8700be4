import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import TestSupport
import Watcher

/// `ChatBenchmark --matrix <synapse.env> [--unlimited]`: the same sessions and lines, through the watcher daemon's
/// parts in this process (engine, relay, `MatrixPoster`, as `dormouse watch` assembles them) to the real Synapse
/// `scripts/synapse.sh up` started, as its main bot. Synapse stamps each event with its arrival
/// (`origin_server_ts`); after the run the reader pages the room's history and those stamps stand for the fake's
/// request times. `--unlimited` lifts the bot's message rate limit (Synapse's admin API) for the run; without it
/// the bot has Synapse's default of 0.2 messages/s, burst 10.
struct MatrixRun {
    let values: [String: String]
    let sessions: Int
    let seconds: Int
    let intervalMS: Int
    let throttleMS: Int
    let unlimited: Bool

    func value(_ key: String) throws -> String {
        guard let value = values[key], !value.isEmpty else { throw BenchmarkError("the Synapse env file lacks \(key)") }
        return value
    }

    func run() async throws {
        let client = MatrixPoster.makeHTTPClient()
        do {
            try await run(client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func run(client: HTTPClient) async throws {
        let url = try value("MATRIX_HOMESERVER_URL")
        let room = try value("MATRIX_DEFAULT_ROOM")
        let admin = MatrixTestClient(homeserverURL: url, token: try value("MATRIX_ADMIN_TOKEN"), client: client)
        let reader = MatrixTestClient(homeserverURL: url, token: try value("MATRIX_READER_TOKEN"), client: client)
        let bot = try value("MATRIX_BOT_USER")
        try await setRateLimit(of: bot, lifted: unlimited, admin: admin)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-matrixbench-\(UUID())")
        let project = folder.appendingPathComponent("claude/-home-bench-projects-fleet").path
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "matrix-bench")
        logger.logLevel = .error
        let watcher = WatcherConfiguration(
            claudeProjectsRoot: folder.appendingPathComponent("claude").path,
            offsetsFile: folder.appendingPathComponent("offsets.json").path)
        var configuration = ChatRelayConfiguration(
            defaultChannel: room, postsFile: folder.appendingPathComponent("posts.json").path)
        configuration.throttle = .milliseconds(throttleMS)
        configuration.maxActiveSessions = sessions
        let poster = MatrixPoster(
            homeserverURL: url, accessToken: try value("MATRIX_ACCESS_TOKEN"), httpClient: client, logger: logger)
        let fileIO = NIOThreadPoolFileIO()
        let engine = WatchEngine(configuration: watcher, clock: ContinuousClock(), fileIO: fileIO, logger: logger)
        let relay = ChatRelay(
            configuration: configuration, poster: poster,
            formatter: StatusFormatter(settings: watcher.formatterSettings),
            clock: ContinuousClock(), fileIO: fileIO, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [WatchDaemon(engine: engine, relay: relay)], logger: logger))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .seconds(1))

        print(
            "== matrix: \(sessions) sessions, one line each every \(intervalMS) ms ± 20 % for \(seconds) s; "
                + "THROTTLE_MS=\(throttleMS); bot rate limit \(unlimited ? "lifted" : "Synapse default (0.2/s, burst 10)")"
        )
        let writer = SessionWriter(
            directory: project, sessions: sessions, interval: .milliseconds(intervalMS), duration: .seconds(seconds),
            runID: String(UUID().uuidString.lowercased().prefix(8)))
        let cpuBefore = DaemonProcess.cpuSeconds(pid: "self")
        let start = Date().timeIntervalSince1970
        try writer.createFiles()
        await writer.run()
        let end = Date().timeIntervalSince1970
        let cpu = DaemonProcess.cpuSeconds(pid: "self") - cpuBefore
        // Drain: until the relay has nothing left to send (rate-limited edits wait), at most 3 minutes.
        var drained = end
        while Date().timeIntervalSince1970 - end < 180 {
            let health = await relay.health()
            if health.queueDepth == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
            drained = Date().timeIntervalSince1970
        }
        let health = await relay.health()
        await group.triggerGracefulShutdown()
        try await running.value

        let markers = Set((0..<sessions).map { MarkerHash.hex("claude:\(writer.sessionID($0))") })
        let writes = try await Self.writes(in: room, since: start, markers: markers, bot: bot, reader: reader)
        let analysis = EditAnalysis(
            writes: writes, writtenAt: writer.writtenAt, rounds: writer.rounds, window: start...end,
            measuredFrom: start + 3)
        let written = writer.writtenAt.filter { $0 > 0 }.count
        print(
            String(
                format: "wrote %d lines in %.1f s; Synapse stored %d events: %d posts, %d edits; relay: %d sent, "
                    + "%d failed (429s); drained %.1f s after the last line", written, end - start, writes.count,
                analysis.creates, analysis.edits, health.updatesSent, health.updatesFailed, drained - end))
        print(
            String(
                format: "edits per post: mean %.2f /s; max in any 1 s window %d; gaps at the server p1 %.0f ms, "
                    + "p50 %.0f ms, min %.0f ms", analysis.meanEditRate, analysis.maxEditsInOneSecond.max() ?? 0,
                EditAnalysis.percentile(analysis.gaps, 0.01), EditAnalysis.percentile(analysis.gaps, 0.5),
                (analysis.minimumGaps.min() ?? .nan) * 1000))
        print(
            "line written → first event showing it (after the first 3 s): \(EditAnalysis.percentiles(analysis.delays)); "
                + "never shown: \(analysis.missing)")
        print(
            String(
                format: "process CPU (watcher + writer) while writing: %.0f %% of one core", cpu / (end - start) * 100))
    }

    /// Lifts the bot's message limit (`messages_per_second: 0` means none) or restores Synapse's default.
    func setRateLimit(of user: String, lifted: Bool, admin: MatrixTestClient) async throws {
        let path = "/_synapse/admin/v1/users/\(MatrixTestClient.escaped(user))/override_ratelimit"
        var request = HTTPClientRequest(url: admin.homeserverURL + path)
        request.method = lifted ? .POST : .DELETE
        request.headers.add(name: "Authorization", value: "Bearer \(admin.token)")
        if lifted { request.body = .bytes(ByteBuffer(string: #"{"messages_per_second":0,"burst_count":0}"#)) }
        let response = try await admin.client.execute(request, timeout: .seconds(10))
        guard response.status.code == 200 else { throw BenchmarkError("override_ratelimit: \(response.status)") }
    }

    /// The bot's events carrying one of `markers` since `start`: originals as creates, `m.replace` edits as edits of
    /// their original; each with its `origin_server_ts`.
    static func writes(
        in room: String, since start: Double, markers: Set<String>, bot: String, reader: MatrixTestClient
    ) async throws -> [EditAnalysis.ServerWrite] {
        var writes: [EditAnalysis.ServerWrite] = []
        var ours: Set<String> = []
        var edits: [(target: String, write: EditAnalysis.ServerWrite)] = []
        var from: String?
        let filter = MatrixTestClient.escaped(#"{"types":["m.room.message"]}"#)
        pages: while true {
            var path = "/rooms/\(MatrixTestClient.escaped(room))/messages?dir=b&limit=1000&filter=\(filter)"
            if let from { path += "&from=\(MatrixTestClient.escaped(from))" }
            let page = try await reader.request(.GET, path)
            let chunk = page.json?["chunk"]?.arrayValue ?? []
            for event in chunk {
                let time = Double(event["origin_server_ts"]?.intValue ?? 0) / 1000
                if time < start { break pages }
                guard event["sender"]?.stringValue == bot, let content = event["content"],
                    let id = event["event_id"]?.stringValue
                else { continue }
                let body = (try? JSONEncoder().encode(content)) ?? Data()
                if let target = content["m.relates_to"]?["event_id"]?.stringValue {
                    edits.append((target, .init(editedPost: target, time: time, body: body)))
                } else if let marker = content["dev.dormouse.marker"]?.stringValue, markers.contains(marker) {
                    ours.insert(id)
                    writes.append(.init(editedPost: nil, time: time, body: body))
                }
            }
            guard let end = page.json?["end"]?.stringValue, !chunk.isEmpty else { break }
            from = end
        }
        return writes + edits.filter { ours.contains($0.target) }.map(\.write)
    }
}
