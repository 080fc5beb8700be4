import Foundation
import TestSupport
import Testing

@testable import Watcher

/// How each Slack failure reads as a `ChatError`, against the Slack fake; and that the token never leaks.
@Suite(.timeLimit(.minutes(1)))
struct SlackPosterErrorTests {
    func message(_ text: String = "working on it") -> ChatMessage {
        ChatMessage(text: text, marker: "s1a2b3", status: "active")
    }

    /// A scripted answer to `chat.update` and what the poster must make of it.
    static let updateFaults: [(SlackFake.Fault, ChatError)] = [
        (.error("message_not_found"), .postMissing(status: 200, detail: "message_not_found")),
        (.error("cant_update_message"), .postMissing(status: 200, detail: "cant_update_message")),
        (.error("edit_window_closed"), .editWindowClosed(detail: "edit_window_closed")),
        (.error("msg_too_long"), .rejected(status: 200, detail: "msg_too_long")),
        (.error("invalid_auth"), .unauthorized(detail: "invalid_auth")),
        (.error("token_revoked"), .unauthorized(detail: "token_revoked")),
        (.error("not_authed"), .unauthorized(detail: "not_authed")),
        (.error("ratelimited"), .rateLimited(retryAfter: nil)),
        (.rateLimited(retryAfter: 7), .rateLimited(retryAfter: .seconds(7))),
        (.error("internal_error"), .server(status: 200, detail: "internal_error")),
        (.status(500), .server(status: 500, detail: "HTTP 500")),
        (.status(503), .server(status: 503, detail: "HTTP 503")),
    ]

    @Test(arguments: 0..<updateFaults.count)
    func anUpdateFailureMapsToItsChatError(index: Int) async throws {
        let (fault, expected) = Self.updateFaults[index]
        try await withSlackPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            fake.failNext(with: fault, where: .init(method: "chat.update"))
            await #expect(throws: expected) { try await poster.edit(postID: post.id, with: message("again")) }
        }
    }

    @Test func editingADeletedMessageNeedsANewPost() async throws {
        try await withSlackPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            let stored = try #require(fake.message(postID: post.id))
            fake.deleteMessage(channel: stored.channel, ts: stored.ts)
            let error = await #expect(throws: ChatError.self) {
                try await poster.edit(postID: post.id, with: message())
            }
            #expect(error?.needsNewPost == true)
            #expect(error?.detail == "message_not_found")
        }
    }

    @Test func editingSomeoneElsesMessageNeedsANewPost() async throws {
        try await withSlackPoster { fake, poster, _ in
            let theirs = fake.insertMessage(text: "hello", userID: fake.userID)
            let error = await #expect(throws: ChatError.self) {
                try await poster.edit(postID: theirs.postID, with: message())
            }
            #expect(error?.needsNewPost == true && error?.detail == "cant_update_message")
        }
    }

    @Test func aTextOverSlacksLimitIsRejected() async throws {
        try await withSlackPoster { fake, poster, _ in
            fake.textLimit = 10
            let error = await #expect(throws: ChatError.self) {
                try await poster.create(
                    message("far more than ten"), channelID: fake.channelID, rootID: nil,
                    pendingID: "p1")
            }
            #expect(error == .rejected(status: 200, detail: "msg_too_long"))
            #expect(error?.isRetryable == false)
        }
    }

    @Test func channelsTheBotCannotWriteToAreRejectedWithAClearDetail() async throws {
        try await withSlackPoster { fake, poster, _ in
            let outside = await #expect(throws: ChatError.self) {
                try await poster.create(message(), channelID: fake.outsideChannelID, rootID: nil, pendingID: "p1")
            }
            #expect(outside?.detail.hasPrefix("not_in_channel: the bot is not a member") == true)
            #expect(outside?.isRetryable == false)
            let unknown = await #expect(throws: ChatError.self) {
                try await poster.create(message(), channelID: "C404", rootID: nil, pendingID: "p2")
            }
            #expect(unknown?.detail.hasPrefix("channel_not_found: no such channel") == true)
        }
    }

    @Test func postingFasterThanOncePerSecondIsRateLimitedWithRetryAfter() async throws {
        let frozen = Date(timeIntervalSince1970: 1_700_000_000)
        try await withSlackPoster(now: { frozen }) { fake, poster, _ in
            fake.postingLimit = .init(perSecond: 1, burst: 2)
            for index in 0..<2 {
                _ = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p\(index)")
            }
            await #expect(throws: ChatError.rateLimited(retryAfter: .seconds(1))) {
                try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p2")
            }
            #expect(fake.requests.last?.status == 429)
            fake.advanceClock(by: .seconds(1))
            _ = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p2")
            #expect(fake.messages.count == 3)
        }
    }

    @Test func anUnreachableServerIsANetworkError() async throws {
        try await withSlackPoster { _, poster, _ in
            // Port 1: nothing listens there, and no test's server can be given it (stopping a fake instead would
            // free its port for another test's server).
            let unreachable = SlackPoster(
                apiURL: "http://127.0.0.1:1/api", token: slackTestToken, httpClient: poster.httpClient,
                logger: poster.logger)
            let error = await #expect(throws: ChatError.self) { try await unreachable.checkConnection() }
            #expect(error?.isServerFailure == true && error?.status == nil)
        }
    }

    @Test func aCreateWhoseAnswerWasLostIsNotPostedTwice() async throws {
        try await withSlackPoster { fake, poster, _ in
            fake.failNext(with: .appliedThen(status: 503), where: .init(method: "chat.postMessage"))
            await #expect(throws: ChatError.server(status: 503, detail: "HTTP 503")) {
                try await poster.create(message("first"), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            }
            #expect(fake.messages.count == 1)
            let retried = try await poster.create(
                message("second"), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            #expect(fake.messages.count == 1)
            let stored = try #require(fake.messages.first)
            #expect(retried.id == stored.postID && stored.text == "second")
            #expect(
                fake.requests.map(\.method) == [
                    "chat.postMessage", "conversations.history", "chat.update",
                ])
            // A later create with a new pending id posts without looking first.
            _ = try await poster.create(message("third"), channelID: fake.channelID, rootID: nil, pendingID: "p2")
            #expect(fake.requests.last?.method == "chat.postMessage" && fake.messages.count == 2)
        }
    }

    @Test func aThreadedCreateWhoseAnswerWasLostIsFoundAmongTheReplies() async throws {
        try await withSlackPoster { fake, poster, _ in
            let root = fake.insertMessage(text: "kick-off", userID: fake.userID)
            fake.failNext(with: .appliedThen(status: 500), where: .init(method: "chat.postMessage"))
            _ = try? await poster.create(message(), channelID: fake.channelID, rootID: root.ts, pendingID: "p1")
            _ = try await poster.create(message("again"), channelID: fake.channelID, rootID: root.ts, pendingID: "p1")
            #expect(fake.messages.count == 2)
            #expect(fake.requests.map(\.method).contains("conversations.replies"))
        }
    }

    @Test func theTokenIsNeverInLogsOrErrors() async throws {
        try await withSlackPoster { fake, poster, logs in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            fake.failNext(with: .status(500))
            fake.failNext(with: .error("invalid_auth"))
            fake.failNext(with: .dropConnection)
            var errors: [ChatError] = []
            for _ in 0..<3 {
                do throws(ChatError) {
                    _ = try await poster.edit(postID: post.id, with: message("x"))
                } catch {
                    errors.append(error)
                }
            }
            #expect(errors.count == 3)
            #expect(fake.requests.allSatisfy { $0.authorization == "Bearer \(slackTestToken)" })
            #expect(!logs.lines.isEmpty)
            for line in logs.lines + errors.map(\.description) + errors.map(\.detail) {
                #expect(!line.contains(slackTestToken) && !line.contains("SECRET"), "\(line)")
            }
        }
    }

    @Test func aWrongTokenIsUnauthorized() async throws {
        try await withSlackPoster(token: "xoxb-wrong") { _, poster, _ in
            await #expect(throws: ChatError.unauthorized(detail: "invalid_auth")) { try await poster.checkConnection() }
        }
    }
}
