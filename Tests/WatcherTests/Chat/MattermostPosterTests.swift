import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import TestSupport
import Testing

@testable import Watcher

/// The poster against the Mattermost fake, over real HTTP on loopback.
@Suite(.timeLimit(.minutes(1)))
struct MattermostPosterTests {
    func withPoster(
        token: String = mattermostTestToken, requestTimeout: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: (MattermostFake, MattermostPoster, InMemoryLogHandler) async throws -> Void
    ) async throws {
        try await withMattermostPoster(token: token, requestTimeout: requestTimeout, now: now, body)
    }

    func message(_ text: String = "working on it", status: String = "active") -> ChatMessage {
        ChatMessage(text: text, marker: "s1a2b3", status: status)
    }

    @Test func createAnswers201WithTheMarkerInPropsAndAHiddenReferenceLine() async throws {
        try await withPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            #expect(post.id.count == 26)
            #expect(post.channelID == fake.channelID)
            #expect(post.message == "working on it")
            #expect(post.marker == "s1a2b3")
            #expect(post.status == "active")
            let stored = try #require(fake.post(post.id))
            #expect(stored.message == "working on it\n\n[dormouses1a2b3]: #")
            #expect(!stored.message.contains("<!--"))
            #expect(stored.props["dormouse_marker"] == "s1a2b3")
            #expect(stored.props["dormouse_status"] == "active")
            #expect(fake.requests.map(\.status) == [201])
        }
    }

    @Test func aRepeatedPendingIDWithinThirtySecondsReturnsTheSamePost() async throws {
        // A frozen clock: 29 s on leaves a 1 s margin, which a loaded machine's requests could use up.
        let frozen = Date(timeIntervalSince1970: 1_800_000_000)
        try await withPoster(now: { frozen }) { fake, poster, _ in
            let first = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            fake.advanceClock(by: .seconds(29))
            let retry = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            #expect(retry.id == first.id)
            #expect(fake.posts.count == 1)
            #expect(fake.post(first.id)?.creates == 2)
            fake.advanceClock(by: .seconds(2))
            let late = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            #expect(late.id != first.id)
        }
    }

    @Test func anEditResendsTheMarkerSoThePropsReplacementKeepsIt() async throws {
        try await withPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            let edited = try await poster.edit(postID: post.id, with: message("finished", status: "done"))
            #expect(edited.id == post.id)
            #expect(edited.message == "finished")
            #expect(edited.marker == "s1a2b3")
            #expect(edited.status == "done")
            let stored = try #require(fake.post(post.id))
            #expect(stored.props["dormouse_marker"] == "s1a2b3")
            #expect(stored.props["dormouse_status"] == "done")
            #expect(stored.history == ["working on it\n\n[dormouses1a2b3]: #"])
            #expect(stored.edits == 1)
            let patch = try #require(fake.requests.last)
            #expect(patch.method == "PUT" && patch.path == "/api/v4/posts/\(post.id)/patch")
            #expect(patch.json?["props"]?["dormouse_marker"] == "s1a2b3")
        }
    }

    @Test func editingADeletedPostNeedsANewPost() async throws {
        try await withPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            fake.deletePost(post.id)
            let error = await #expect(throws: ChatError.self) {
                try await poster.edit(postID: post.id, with: message("again"))
            }
            #expect(error == .postMissing(status: 403, detail: "api.context.permissions.app_error"))
            #expect(error?.needsNewPost == true)
            #expect(error?.isRetryable == false)
        }
    }

    @Test func editingPastTheEditTimeLimitNeedsANewPost() async throws {
        try await withPoster { fake, poster, _ in
            fake.editTimeLimit = 60
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            fake.advanceClock(by: .seconds(61))
            await #expect(throws: ChatError.editWindowClosed(detail: MattermostPoster.editTimeLimitID)) {
                try await poster.edit(postID: post.id, with: message("late"))
            }
            #expect(fake.post(post.id)?.message.hasPrefix("working on it") == true)
        }
    }

    @Test(arguments: [(Int?.some(3), Duration?.some(.seconds(3))), (nil, nil)])
    func a429WithAPlainTextBodyIsRateLimited(retryAfter: Int?, expected: Duration?) async throws {
        try await withPoster { fake, poster, _ in
            fake.failNext(with: .rateLimited(retryAfter: retryAfter))
            let error = await #expect(throws: ChatError.self) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
            #expect(error == .rateLimited(retryAfter: expected))
            #expect(error?.isRetryable == true)
            #expect(fake.requests.first?.status == 429)
        }
    }

    @Test func a500IsARetryableServerError() async throws {
        try await withPoster { fake, poster, _ in
            fake.failNext(with: .status(500, id: "app.post.save.app_error"))
            let error = await #expect(throws: ChatError.self) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
            #expect(error == .server(status: 500, detail: "app.post.save.app_error"))
            #expect(error?.isRetryable == true && error?.isServerFailure == true)
            // The retry with the same pending id goes through.
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            #expect(fake.posts.map(\.id) == [post.id])
        }
    }

    @Test func aNonJSONErrorBodyIsReadAsItsStatus() async throws {
        try await withPoster { fake, poster, _ in
            fake.failNext(with: .plainText(status: 502, body: "<html>Bad Gateway</html>"))
            await #expect(throws: ChatError.server(status: 502, detail: "HTTP 502")) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
        }
    }

    @Test func aRefusedConnectionIsANetworkError() async throws {
        let closed = MattermostFake()
        try await closed.start()
        let port = closed.port
        await closed.stop()
        let client = MattermostPoster.makeHTTPClient()
        let poster = MattermostPoster(
            baseURL: "http://127.0.0.1:\(port)", token: mattermostTestToken, httpClient: client,
            logger: InMemoryLogHandler.logger().0)
        let error = await #expect(throws: ChatError.self) {
            try await poster.create(message(), channelID: "c", rootID: nil, pendingID: "p1")
        }
        try await client.shutdown()
        #expect(error?.status == nil && error?.isServerFailure == true && error?.isRetryable == true)
        #expect(error?.description.hasPrefix("chat server unreachable") == true)
    }

    @Test func aDroppedConnectionIsANetworkError() async throws {
        try await withPoster { fake, poster, _ in
            fake.failNext(with: .dropConnection)
            let error = await #expect(throws: ChatError.self) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
            #expect(error?.status == nil && error?.isServerFailure == true)
        }
    }

    @Test func aSlowAnswerTimesOut() async throws {
        try await withPoster(requestTimeout: .milliseconds(200)) { fake, poster, _ in
            fake.failNext(with: .delay(.seconds(2)))
            await #expect(throws: ChatError.network("timed out")) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
        }
    }

    @Test func aRefusedTokenIsUnauthorized() async throws {
        try await withPoster(token: "wrong-token") { fake, poster, _ in
            await #expect(throws: ChatError.unauthorized(detail: "api.context.session_expired.app_error")) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
        }
    }

    @Test func anUnknownChannelIsRejectedNotMissing() async throws {
        try await withPoster { _, poster, _ in
            let error = await #expect(throws: ChatError.self) {
                try await poster.create(message(), channelID: "nochannel", rootID: nil, pendingID: "p1")
            }
            #expect(error == .rejected(status: 403, detail: "api.context.permissions.app_error"))
            #expect(error?.needsNewPost == false)
        }
    }
}
