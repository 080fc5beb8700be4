import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import TestSupport
import Watcher

/// The token the Mattermost fake accepts in the poster tests; distinctive, so a leak into a log line shows.
let mattermostTestToken = "tok-SECRET-4f9a2c"

/// Runs `body` with a started Mattermost fake, a poster pointed at it that logs into memory (every level), and
/// the poster's HTTP client; all are stopped afterwards, also when `body` throws. `now` is the fake's clock
/// (before `advanceClock`). The request timeout guards against a hang; a loaded CI run once took 19 s for one
/// request to the fake.
func withMattermostPoster(
    token: String = mattermostTestToken, requestTimeout: Duration = .seconds(60),
    now: @escaping @Sendable () -> Date = { Date() },
    _ body: (MattermostFake, MattermostPoster, InMemoryLogHandler) async throws -> Void
) async throws {
    let (logger, logs) = InMemoryLogHandler.logger(label: "mattermost-test")
    let client = MattermostPoster.makeHTTPClient()
    let fake = MattermostFake(token: mattermostTestToken, now: now)
    do {
        try await fake.start()
        // A trailing slash, as people write base URLs.
        let poster = MattermostPoster(
            baseURL: fake.baseURL + "/", token: token, httpClient: client, logger: logger,
            requestTimeout: requestTimeout)
        try await body(fake, poster, logs)
    } catch {
        await fake.stop()
        try await client.shutdown()
        throw error
    }
    await fake.stop()
    try await client.shutdown()
}
