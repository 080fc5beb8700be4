import Foundation
import GRDB
import HTTPTypes
import Registry
import TestSupport
import Testing

@testable import Server

/// Webhook delivery against a local receiver: signed, in audit order, retried with backoff on the test clock,
/// marked failing and caught up, timeouts, filters, pruned rows, and a slow receiver holding up nobody else.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    typealias Support = WebhookTestSupport

    @Test func deliversEveryEventSignedInAuditOrder() async throws {
        try await WebhookReceiver.withRunning { receiver in
            try await TestApp(webhooks: Support.settings()).run { client in
                try await client.post("/agents", Support.agent("w1"))
                let id = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client, times: 3)
                let ids = try await Support.auditIDs(client)
                #expect(ids.count == 6)
                let deliveries = await receiver.waitUntil { $0.filter { $0.status == 200 }.count >= 6 }
                #expect(receiver.acceptedIDs == ids)
                let events = try await client.get("/agents/w1/events?limit=100").json["events"].array
                for (delivery, event) in zip(deliveries, events) {
                    #expect(Support.verifies(delivery))
                    #expect(!Support.verifies(delivery, secret: Support.secret + "x"))
                    #expect(delivery.path == "/hook")
                    #expect(delivery.headers[.contentType] == "application/json")
                    #expect(delivery.headers[.init("Dormouse-Webhook-Id")!] == id)
                    // Exactly the event stream's JSON, with the audit id first.
                    let record = try JSONDecoder().decode(AuditRecord.self, from: Data(event.jsonText.utf8))
                    #expect(delivery.body == EventFrame.webhookJSON(of: record))
                    #expect(delivery.eventID == record.id)
                }
                #expect(deliveries.first?.body.hasPrefix(#"{"id":\#(ids[0]),"type":"container.lazy_started","#) == true)
                try await poll("the cursor at the last event", every: .milliseconds(20)) {
                    try await Support.webhook(client, id)["cursor"].int64 == ids.last
                }
                let webhook = try await Support.webhook(client, id)
                #expect(webhook["delivered"].int == 6)
                #expect(webhook["lag"].int == 0)
                #expect(webhook["state"].string == "ok")
                #expect(webhook["last_success_at"].int64 != nil)
            }
        }
    }

    @Test func backsOffMarksFailingAndCatchesUpWhenTheReceiverRecovers() async throws {
        try await WebhookReceiver.withRunning { receiver in
            receiver.set(.answer(500))
            let app = TestApp(webhooks: Support.settings(failingAfter: 3))
            try await app.run { client in
                try await client.post("/agents", Support.agent("w1"))
                let id = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client)
                let ids = try await Support.auditIDs(client)
                // Three failed attempts of the first event, each retried after 1, 2 then 4 s of the test clock.
                for (attempt, delay) in [(1, 1), (2, 2), (3, 4)] {
                    await receiver.waitUntil { $0.filter { $0.status == 500 }.count == attempt }
                    await app.clock.waitForSleeper(until: app.clock.now.advanced(by: .seconds(delay)))
                    if attempt < 3 { app.clock.advance(by: .seconds(delay)) }
                }
                #expect(receiver.deliveries.allSatisfy { $0.eventID == ids[0] })
                let failing = try await Support.webhook(client, id)
                #expect(failing["state"].string == "failing")
                #expect(failing["consecutive_failures"].int == 3)
                #expect(failing["failed"].int == 3)
                #expect(failing["last_error"].string == "HTTP 500 Internal Server Error")
                #expect(failing["lag"].int == 2)
                #expect(try await client.get("/webhooks").json["webhooks"][0]["state"].string == "failing")
                // The lifecycle is not held up meanwhile.
                try await Support.cycle(client)
                let all = try await Support.auditIDs(client)

                receiver.set(.answer(200))
                app.clock.advance(by: .seconds(4))
                await receiver.waitUntil { $0.filter { $0.status == 200 }.count >= 4 }
                #expect(receiver.acceptedIDs == all)
                try await poll("the webhook caught up", every: .milliseconds(20)) {
                    try await Support.webhook(client, id)["lag"].int == 0
                }
                let recovered = try await Support.webhook(client, id)
                #expect(recovered["state"].string == "ok")
                #expect(recovered["consecutive_failures"].int == 0)
                #expect(recovered["delivered"].int == 4)
                let metrics = try await client.get("/metrics").text
                #expect(metrics.contains(#"dormouse_webhook_deliveries_total{webhook="\#(id)",result="delivered"} 4"#))
                #expect(metrics.contains(#"dormouse_webhook_deliveries_total{webhook="\#(id)",result="failed"} 3"#))
            }
        }
    }

    @Test func timesOutAReceiverThatDoesNotAnswerAndRetries() async throws {
        try await WebhookReceiver.withRunning { receiver in
            receiver.set(.hang)
            // Long enough that an answered attempt never times out on a loaded machine (its retry would wait on the
            // test clock, which this test does not advance again).
            let app = TestApp(webhooks: Support.settings(timeout: .seconds(1)))
            try await app.run { client in
                try await client.post("/agents", Support.agent("w1"))
                let id = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client)
                let ids = try await Support.auditIDs(client)
                await receiver.waitUntil { $0.count == 1 }
                // The attempt times out (real time), then the retry waits 1 s on the test clock.
                await app.clock.waitForSleeper(until: app.clock.now.advanced(by: .seconds(1)))
                let webhook = try await Support.webhook(client, id)
                #expect(webhook["last_error"].string?.contains("no answer within") == true)
                #expect(webhook["failed"].int == 1)
                receiver.set(.answer(200))
                app.clock.advance(by: .seconds(1))
                await receiver.waitUntil { $0.filter { $0.status == 200 }.count == 2 }
                #expect(receiver.acceptedIDs == ids)
                #expect(receiver.deliveries.first?.status == WebhookReceiver.released)
            }
        }
    }

    @Test func filtersByTypeAndInstanceAndMovesPastWhatItSkips() async throws {
        try await WebhookReceiver.withRunning { receiver in
            try await TestApp(webhooks: Support.settings()).run { client in
                try await client.post("/agents", Support.agent("w1"))
                try await client.post("/agents", Support.agent("w2"))
                let stops = try await Support.addWebhook(client, url: receiver.url, types: ["container.lazy_stopped"])
                let w2 = try await Support.addWebhook(client, url: receiver.url, instances: ["w2"])
                let all = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client, "w1")
                try await Support.cycle(client, "w2")
                try await Support.cycle(client, "w1")
                let w1IDs = try await Support.auditIDs(client, "w1")
                let w2IDs = try await Support.auditIDs(client, "w2")
                let deliveries = await receiver.waitUntil { $0.count >= 6 + 3 + 2 }
                func ids(_ webhook: String) -> [Int64] {
                    deliveries.filter { $0.headers[.init("Dormouse-Webhook-Id")!] == webhook }.compactMap(\.eventID)
                }
                #expect(ids(all) == (w1IDs + w2IDs).sorted())
                #expect(ids(w2) == w2IDs)
                #expect(ids(stops) == [w1IDs[1], w2IDs[1], w1IDs[3]])
                try await poll("every webhook past the last event", every: .milliseconds(20)) {
                    try await client.get("/webhooks").json["webhooks"].array.allSatisfy { $0["lag"].int == 0 }
                }
                #expect(receiver.deliveries.count == 11)
            }
        }
    }

    @Test func countsAuditRowsPrunedBeforeDeliveryAsSkipped() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.sqlite").path
        try await WebhookReceiver.withRunning { receiver in
            receiver.set(.answer(500))
            var settings = Support.settings()
            settings.batchSize = 1
            let app = TestApp(databasePath: path, webhooks: settings)
            try await app.run { client in
                try await client.post("/agents", Support.agent("w1"))
                let id = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client, times: 2)
                let ids = try await Support.auditIDs(client)
                await receiver.waitUntil { $0.count == 1 }
                await app.clock.waitForSleeper(until: app.clock.now.advanced(by: .seconds(1)))
                // Retention deletes the second and third rows while the first is being retried.
                let database = try DatabasePool(path: path)
                try await database.write { db in
                    try db.execute(sql: "DELETE FROM lifecycle_events WHERE id IN (?, ?)", arguments: [ids[1], ids[2]])
                }
                try database.close()
                receiver.set(.answer(200))
                app.clock.advance(by: .seconds(1))
                await receiver.waitUntil { $0.filter { $0.status == 200 }.count == 2 }
                #expect(receiver.acceptedIDs == [ids[0], ids[3]])
                try await poll("the webhook caught up", every: .milliseconds(20)) {
                    try await Support.webhook(client, id)["lag"].int == 0
                }
                let webhook = try await Support.webhook(client, id)
                #expect(webhook["skipped"].int == 2)
                #expect(webhook["delivered"].int == 2)
            }
        }
    }

    @Test func aReceiverThatHangsHoldsUpNeitherTheLifecycleNorTheOtherWebhooks() async throws {
        try await WebhookReceiver.withRunning { slow in
            try await WebhookReceiver.withRunning { fast in
                slow.set(.hang)
                try await TestApp(webhooks: Support.settings(timeout: .seconds(600))).run { client in
                    try await client.post("/agents", Support.agent("w1"))
                    let hanging = try await Support.addWebhook(client, url: slow.url)
                    _ = try await Support.addWebhook(client, url: fast.url)
                    try await Support.cycle(client, times: 5)
                    let ids = try await Support.auditIDs(client)
                    await fast.waitUntil { $0.filter { $0.status == 200 }.count == 10 }
                    #expect(fast.acceptedIDs == ids)
                    #expect(slow.deliveries.count == 1)
                    let webhook = try await Support.webhook(client, hanging)
                    #expect(webhook["lag"].int == 10)
                    #expect(webhook["delivered"].int == 0)
                }
            }
        }
    }
}
