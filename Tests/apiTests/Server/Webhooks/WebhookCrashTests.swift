import Foundation
import GRDB
import Registry
import TestSupport
import Testing

/// At least once across a crash: `dormouse serve` (the built binary) delivering a backlog of audit rows is
/// killed with SIGKILL mid-stream and started again on the same database. Every event reaches the receiver in
/// audit order, and the only ones it gets twice are those after the cursor stored when the server died.
@Suite(
    "Webhook delivery across kill -9", .serialized, .timeLimit(.minutes(2)),
    .enabled(if: LimitedServerProcess.isAvailable, "needs /usr/bin/prlimit, /proc and the built binary"),
    .tags(.process), .outsideUnitLane)
struct WebhookCrashTests {
    static let events: Int64 = 300

    @Test func aRestartResumesFromTheStoredCursorSkippingNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.sqlite").path
        // Engine-free: the lifecycle events are a backlog written to the audit table before the server starts.
        let variables = ["DORMOUSE_DB": path, "DOCKER_HOST": "unix://\(folder.path)/no-engine.sock"]
        try await WebhookReceiver.withRunning { receiver in
            let id = try await Self.seed(path, receiverURL: receiver.url)

            let first = try await LimitedServerProcess.start(openFiles: 1_024, variables: variables)
            defer { first.stop() }
            // Killed while a delivery is in flight (the receiver holds it unanswered): its event must come again.
            await receiver.waitUntil { $0.filter { $0.status == 200 }.count >= 100 }
            receiver.set(.hang)
            await receiver.waitUntil { $0.last?.status == 0 }
            kill(first.process.processIdentifier, SIGKILL)
            await first.process.waitForExit()
            receiver.set(.answer(200))
            let before = receiver.acceptedIDs
            let cursor = try await Self.cursor(of: id, in: path)
            #expect(before.last! < Self.events, "the server was killed after it had delivered everything")
            #expect(before == Array(1...before.last!))
            // The cursor is written after each 2xx: at most the one event answered just before the kill is not in it.
            #expect((before.last! - 1...before.last!).contains(cursor))

            let second = try await LimitedServerProcess.start(openFiles: 1_024, variables: variables)
            defer { second.stop() }
            await receiver.waitUntil(within: .seconds(60)) {
                $0.contains { $0.eventID == Self.events && $0.status == 200 }
            }
            await second.stopAndWait()
            let all = receiver.acceptedIDs
            let after = Array(all.dropFirst(before.count))
            #expect(after == Array(cursor + 1...Self.events), "the restart resumes right after the stored cursor")
            #expect(Set(all) == Set(1...Self.events))
            let duplicates = before.filter { $0 > cursor }
            #expect(duplicates.count <= 1)
            #expect(try await Self.cursor(of: id, in: path) == Self.events)
        }
    }

    /// A webhook (cursor 0) and `events` audit rows, in a fresh database; returns the webhook's id.
    static func seed(_ path: String, receiverURL: String) async throws -> String {
        let database = try DormouseDatabase.open(path: path)
        let webhook = try await WebhookStore(database: database).create(
            WebhookRequest(url: receiverURL, secret: WebhookTestSupport.secret), createdAt: 1)
        try await database.write { db in
            for index in 1...events {
                try db.execute(
                    sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, ?, ?, ?)",
                    arguments: [
                        "w1", index % 2 == 1 ? "lazy_start" : "lazy_stop", 1_760_000_000_000 + index,
                        #"{"trigger":"crash-test"}"#,
                    ])
            }
        }
        try DormouseDatabase.close(database)
        #expect(webhook.delivery.cursor == 0)
        return webhook.id
    }

    /// The webhook's stored cursor, read while no server runs.
    static func cursor(of id: String, in path: String) async throws -> Int64 {
        let database = try DatabasePool(path: path)
        defer { try? database.close() }
        return try #require(try await WebhookStore(database: database).webhook(id)).delivery.cursor
    }
}
