import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Watcher

@testable import api

/// The watcher's health document, as `GET /health` of `dormouse watch` serves it.
@Suite("Watch health")
struct WatchHealthTests {
    static func relay(status: String, lastError: String? = nil) -> RelayHealth {
        RelayHealth(
            status: status, activeSessions: 2, waitingSessions: 1, updatesSent: 40, updatesFailed: 3, queueDepth: 4,
            circuit: status == "ok" ? "closed" : "open", lastError: lastError)
    }

    static func application(_ relay: RelayHealth) -> some ApplicationProtocol {
        let controller = WatchHealthController(relayHealth: { relay }) {
            .init(sessions: 5, linesParsed: 1_234)
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
                        "queue_depth", "circuit", "sessions", "lines_parsed", "version",
                    ])
            #expect(json?["updates_sent"] as? Int == 40)
            #expect(json?["lines_parsed"] as? Int == 1_234)
            let health = try JSONDecoder().decode(
                WatchHealthController.Health.self, from: Data(response.body.readableBytesView))
            #expect(health == .init(relay: Self.relay(status: "ok"), sessions: 5, linesParsed: 1_234))
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
}
