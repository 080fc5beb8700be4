import Foundation
import HTTPTypes
import InMemoryLogging
import Logging
import TestSupport
import Testing

/// Deleting a webhook, and what its failures write to the log.
@Suite("Webhook lifecycle and logs")
struct WebhookLifecycleTests {
    typealias Support = WebhookTestSupport

    @Test func deletingAWebhookStopsItsRetriesAndDeliveries() async throws {
        try await WebhookReceiver.withRunning { receiver in
            receiver.set(.answer(500))
            let app = TestApp(webhooks: Support.settings())
            try await app.run { client in
                try await client.post("/agents", Support.agent("w1"))
                let deleted = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client)
                await receiver.waitUntil { $0.count == 1 }
                let retry = app.clock.now.advanced(by: .seconds(1))
                await app.clock.waitForSleeper(until: retry)
                #expect(try await client.send(.delete, "/webhooks/\(deleted)").status == .noContent)
                // Its retry timer goes with it.
                await app.clock.waitForSleepers { !$0.contains(retry) }
                receiver.set(.answer(200))
                app.clock.advance(by: .seconds(1))
                let other = try await Support.addWebhook(client, url: receiver.url)
                try await Support.cycle(client)
                // The other webhook's deliveries of the new events are the barrier: the deleted one sent nothing.
                let deliveries = await receiver.waitUntil { $0.filter { $0.status == 200 }.count == 2 }
                #expect(deliveries.filter { $0.headers[.init("Dormouse-Webhook-Id")!] == deleted }.count == 1)
                #expect(deliveries.filter { $0.headers[.init("Dormouse-Webhook-Id")!] == other }.count == 2)
                // Counted before the delivery is stored, so once GET shows it, /metrics has it too.
                try await poll("the other webhook's deliveries stored", every: .milliseconds(20)) {
                    try await Support.webhook(client, other)["delivered"].int == 2
                }
                let metrics = try await client.get("/metrics").text
                #expect(!metrics.contains(deleted) && metrics.contains(#"webhook="\#(other)",result="delivered"} 2"#))
            }
        }
    }

    /// A failed attempt is one line naming the webhook and the receiver's host; never the secret, the path or
    /// the query, which may hold a token.
    @Test func failuresAreLoggedOnceEachWithoutTheSecretPathOrQuery() async throws {
        try await WebhookReceiver.withRunning { receiver in
            receiver.set(.answer(503))
            let (logger, store) = InMemoryLogHandler.logger(level: .trace)
            var app = TestApp(webhooks: Support.settings(failingAfter: 2))
            app.logger = logger
            let testClock = app.clock
            try await app.run { client in
                try await client.post("/agents", Support.agent("w1"))
                let id = try await Support.addWebhook(client, url: receiver.url + "/path-secret?token=query-secret")
                try await Support.cycle(client)
                await receiver.waitUntil { $0.count == 1 }
                await testClock.waitForSleeper(until: testClock.now.advanced(by: .seconds(1)))
                testClock.advance(by: .seconds(1))
                await receiver.waitUntil { $0.count == 2 }
                await testClock.waitForSleeper(until: testClock.now.advanced(by: .seconds(2)))
                let failures = store.entries.filter { $0.text("webhook.id") == id }
                #expect(failures.map(\.message) == ["webhook delivery failed", "webhook is failing"])
                #expect(failures.allSatisfy { $0.text("webhook.host") == "127.0.0.1" })
                #expect(failures.first?.text("error") == "HTTP 503 Service Unavailable")
                for secret in [Support.secret, "path-secret", "query-secret"] {
                    #expect(!store.lines.contains { $0.contains(secret) }, "\(secret) was logged")
                }
            }
        }
    }
}
