import AsyncHTTPClient
import Foundation
import GRDB
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import Server

/// One attempt of a worker, alone: what it refuses at run time without sending anything.
@Suite("Webhook worker")
struct WebhookWorkerTests {
    static func worker(
        url: String, database: DatabasePool, client: HTTPClient,
        isServerItself: @escaping @Sendable (String, Int) -> Bool
    ) -> WebhookWorker<TestClock> {
        WebhookWorker(
            webhook: Webhook(
                id: "wh_test", url: url, secret: WebhookTestSupport.secret, types: nil, instances: nil, createdAt: 0,
                delivery: .init(cursor: 0)),
            database: database, client: client, settings: WebhookSettings(), clock: TestClock(), wallClock: .system,
            metrics: WebhookMetrics(), logger: TestApp.logger, doorbell: AsyncStream { $0.finish() },
            isServerItself: isServerItself)
    }

    /// A webhook stored while the server listened elsewhere, that now points at the server itself: a counted
    /// failure, nothing sent. So is a URL that is no longer an http(s) URL.
    @Test func neverPostsToTheServerItselfNorToABadURL() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try DormouseDatabase.open(path: folder.appendingPathComponent("d.sqlite").path)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        try await WebhookReceiver.withRunning { receiver in
            let itself = Self.worker(url: receiver.url, database: database, client: client) { host, port in
                host == "127.0.0.1" && port == receiver.port
            }
            #expect(await itself.post("{}", eventID: 1) == .failed("the URL points at this Dormouse server itself"))
            let bad = Self.worker(url: "mailto:ops@example.com", database: database, client: client) { _, _ in false }
            #expect(
                await bad.post("{}", eventID: 1) == .failed("the URL is not an http:// or https:// URL with a host"))
            #expect(receiver.deliveries.isEmpty)
            let fine = Self.worker(url: receiver.url, database: database, client: client) { _, _ in false }
            #expect(await fine.post("{}", eventID: 1) == .delivered)
            #expect(receiver.deliveries.count == 1)
        }
        try await client.shutdown()
    }
}
