import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lifecycle
import Testing
import Watcher

@testable import Server
@testable import WatchDaemon

/// The watcher's health document: `GET /health` of `dormouse watch`, `GET /watch/health` of `serve --watch`.
@Suite("Watch health")
struct WatchHealthTests {
    static func relay(status: String, lastError: String? = nil) -> RelayHealth {
        RelayHealth(
            status: status, activeSessions: 2, waitingSessions: 1, updatesSent: 40, updatesFailed: 3, queueDepth: 4,
            circuit: status == "ok" ? "closed" : "open", lastError: lastError)
    }

    static func application(_ relay: RelayHealth) -> some ApplicationProtocol {
        let controller = WatchHealthController(relayHealth: { relay }) {
            .init(sessions: 5, linesParsed: 1_234, skippedLines: 2)
        }
        return buildWatchHealthApplication(health: controller, host: "127.0.0.1", port: 0, logger: TestApp.logger)
    }

    @Test func answersTheRelayAndEngineFiguresFlat() async throws {
        try await Self.application(Self.relay(status: "ok")).test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            #expect(
                Set(json?.keys.map { $0 } ?? [])
                    == [
                        "status", "active_sessions", "waiting_sessions", "updates_sent", "updates_failed",
                        "queue_depth", "circuit", "misrouted_sessions", "chats", "sessions", "lines_parsed",
                        "skipped_lines", "version",
                    ])
            #expect(json?["updates_sent"] as? Int == 40)
            #expect(json?["lines_parsed"] as? Int == 1_234)
            #expect(json?["skipped_lines"] as? Int == 2)
            let health = try JSONDecoder().decode(
                WatchHealthController.Health.self, from: Data(response.body.readableBytesView))
            let relay = Self.relay(status: "ok")
            #expect(
                health
                    == .init(
                        relay: relay, chats: ["mattermost": relay], sessions: 5, linesParsed: 1_234, skippedLines: 2))
        }
    }

    @Test func answers503WhenDegraded() async throws {
        let relay = Self.relay(status: "degraded", lastError: "chat server unreachable: connection refused")
        try await Self.application(relay).test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .serviceUnavailable)
            let health = try JSONDecoder().decode(
                WatchHealthController.Health.self, from: Data(response.body.readableBytesView))
            #expect(health.relay == relay)
        }
    }

    @Test func severalChatsAddUpAndEachShowsItsOwn() async throws {
        let matrix = RelayHealth(
            status: "degraded", activeSessions: 1, waitingSessions: 0, updatesSent: 7, updatesFailed: 2, queueDepth: 1,
            circuit: "half_open", lastError: "chat server rate limited", misroutedSessions: 1)
        let mattermost = Self.relay(status: "ok")
        let controller = WatchHealthController(chatHealth: { ["mattermost": mattermost, "matrix": matrix] }) {
            .init(sessions: 3, linesParsed: 10)
        }
        let app = buildWatchHealthApplication(health: controller, host: "127.0.0.1", port: 0, logger: TestApp.logger)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .serviceUnavailable)
            let health = try JSONDecoder().decode(
                WatchHealthController.Health.self, from: Data(response.body.readableBytesView))
            #expect(health.chats == ["mattermost": mattermost, "matrix": matrix])
            #expect(
                health.relay
                    == RelayHealth(
                        status: "degraded", activeSessions: 3, waitingSessions: 1, updatesSent: 47, updatesFailed: 5,
                        queueDepth: 5, circuit: "half_open", lastError: "chat server rate limited",
                        misroutedSessions: 1))
        }
    }

    @Test func serveWatchAnswersItsHealthRoute() async throws {
        let folder = try WatchFolder()
        defer { folder.remove() }
        try await TestApp(watch: try folder.assembly()).run { client in
            let reply = try await client.get("/watch/health")
            #expect(reply.status == .ok)
            let health = try JSONDecoder().decode(WatchHealthController.Health.self, from: reply.body)
            #expect(["ok", "degraded"].contains(health.relay.status))
            #expect(health.sessions == 0)
        }
    }

    @Test func serveWatchHealthNeedsTheToken() async throws {
        let folder = try WatchFolder()
        defer { folder.remove() }
        try await TestApp(token: "s3cret", watch: try folder.assembly()).run { client in
            let anonymous = try await client.send(.get, "/watch/health", authorized: false)
            #expect(anonymous.status == .unauthorized)
            let authorized = try await client.get("/watch/health")
            #expect(authorized.status == .ok)
        }
    }

    @Test func serveWithoutWatchHasNoWatchRoute() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.get, "/watch/health", validate: false)
            #expect(reply.status == .notFound)
        }
    }

    @Test func serveWatchHearsTheRegistrysWakes() async throws {
        let folder = try WatchFolder()
        defer { folder.remove() }
        let recorder = WakeRecorder()
        let watch = try folder.assembly { recorder.record($0) }
        try await TestApp(watch: watch).run { client in
            try await client.post(
                "/agents",
                #"{"name":"w1","mode":"container","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"]}}"#
            )
            try await client.post("/agents/w1/start")
            let wakes = await recorder.wakes(1)
            #expect(wakes.map(\.instance) == ["w1"])
        }
    }
}
