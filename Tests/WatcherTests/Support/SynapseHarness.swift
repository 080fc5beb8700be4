import AsyncHTTPClient
import Foundation
import Logging
import TestSupport
import Testing

@testable import Watcher

/// What a test against the real Synapse (`scripts/synapse.sh up`) needs: the fixture, one HTTP client, posters for
/// the bots, and the reader's bare client.
struct SynapseHarness {
    let fixture: SynapseFixture
    let client: HTTPClient

    /// Runs `body` with a harness whose HTTP client is shut down afterwards.
    static func run(_ body: (SynapseHarness) async throws -> Void) async throws {
        let harness = SynapseHarness(fixture: try SynapseFixture.load(), client: MatrixPoster.makeHTTPClient())
        do {
            try await body(harness)
        } catch {
            try await harness.client.shutdown()
            throw error
        }
        try await harness.client.shutdown()
    }

    /// A poster with test bot `number`'s token (a new instance is what a restarted daemon has).
    func poster(bot number: Int) throws -> MatrixPoster {
        try poster(token: try fixture.testBotToken(number))
    }

    /// A poster on its own HTTP client (the daemon harness shuts that one down).
    func poster(bot number: Int, client: HTTPClient) throws -> MatrixPoster {
        MatrixPoster(
            homeserverURL: try fixture.homeserverURL, accessToken: try fixture.testBotToken(number), httpClient: client,
            logger: DaemonHarness.logger)
    }

    func poster(token: String) throws -> MatrixPoster {
        var logger = Logger(label: "matrix-tests")
        logger.logLevel = .warning
        return MatrixPoster(
            homeserverURL: try fixture.homeserverURL, accessToken: token, httpClient: client, logger: logger)
    }

    /// The reader: a user in the room who only looks, as a client would.
    func reader() throws -> MatrixTestClient {
        MatrixTestClient(homeserverURL: try fixture.homeserverURL, token: try fixture.readerToken, client: client)
    }

    /// A bare client with a bot's token, for what a user does by hand (a redaction).
    func user(bot number: Int) throws -> MatrixTestClient {
        MatrixTestClient(
            homeserverURL: try fixture.homeserverURL, token: try fixture.testBotToken(number), client: client)
    }

    /// A marker no earlier run used (the server keeps its history between test runs).
    static func uniqueMarker() -> String { MarkerHash.hex(UUID().uuidString) }

    /// Runs `request` again after each 429, waiting what the server asked (its `retry_after_ms`), at most 5 times:
    /// the test bots share Synapse's per-user message budget between runs.
    static func honouringRateLimit<T>(_ request: () async throws -> T) async throws -> T {
        for _ in 0..<5 {
            do {
                return try await request()
            } catch let error as ChatError where error.isRateLimited {
                try await Task.sleep(for: error.retryAfter ?? .seconds(1))
            }
        }
        return try await request()
    }
}

/// Reading the JSON the reader gets back.
extension MattermostFakeJSON {
    var eventID: String? { self["event_id"]?.stringValue }
    var content: MattermostFakeJSON? { self["content"] }
    var marker: String? { content?["dev.dormouse.marker"]?.stringValue }
    var originServerTS: Int? { self["origin_server_ts"]?.intValue }
    var replacedEventID: String? {
        content?["m.relates_to"]?["rel_type"]?.stringValue == "m.replace"
            ? content?["m.relates_to"]?["event_id"]?.stringValue : nil
    }
}
