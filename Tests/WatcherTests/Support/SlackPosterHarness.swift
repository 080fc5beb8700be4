import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import TestSupport
import Watcher

/// The token the Slack fake accepts in the poster tests; distinctive, so a leak into a log line or error shows.
let slackTestToken = "xoxb-SECRET-7d21e9"

/// Runs `body` with a started Slack fake, a poster pointed at it that logs into memory (every level), and the
/// poster's HTTP client; all are stopped afterwards, also when `body` throws. `now` is the fake's clock.
func withSlackPoster(
    token: String = slackTestToken, requestTimeout: Duration = .seconds(60),
    now: @escaping @Sendable () -> Date = { Date() },
    _ body: (SlackFake, SlackPoster, InMemoryLogHandler) async throws -> Void
) async throws {
    let (logger, logs) = InMemoryLogHandler.logger(label: "slack-test")
    let client = SlackPoster.makeHTTPClient()
    let fake = SlackFake(token: slackTestToken, now: now)
    do {
        try await fake.start()
        // A trailing slash, as people write URLs.
        let poster = SlackPoster(
            apiURL: fake.apiURL + "/", token: token, httpClient: client, logger: logger, requestTimeout: requestTimeout)
        try await body(fake, poster, logs)
    } catch {
        await fake.stop()
        try await client.shutdown()
        throw error
    }
    await fake.stop()
    try await client.shutdown()
}
