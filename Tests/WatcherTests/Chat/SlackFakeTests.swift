import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The Slack fake holds to the documented behaviour (docs/slack-contract.md), checked with raw HTTP calls.
@Suite(.timeLimit(.minutes(1)))
struct SlackFakeTests {
    /// One raw call: status, `Retry-After` and the body as JSON.
    struct Answer {
        var status: Int
        var retryAfter: String?
        var json: MattermostFakeJSON?
    }

    func withFake(now: @escaping @Sendable () -> Date = { Date() }, _ body: (SlackFake, Caller) async throws -> Void)
        async throws
    {
        let fake = SlackFake(now: now)
        try await fake.start()
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await body(fake, Caller(fake: fake, client: client))
        } catch {
            await fake.stop()
            try await client.shutdown()
            throw error
        }
        await fake.stop()
        try await client.shutdown()
    }

    /// Calls the fake's API with the fake's token unless told otherwise.
    struct Caller {
        let fake: SlackFake
        let client: HTTPClient

        func call(
            _ method: String, json: MattermostFakeJSON? = nil, query: String = "", form: String? = nil,
            authorization: String? = nil
        ) async throws -> Answer {
            var request = HTTPClientRequest(url: "\(fake.apiURL)/\(method)" + (query.isEmpty ? "" : "?\(query)"))
            request.headers.add(name: "Authorization", value: authorization ?? "Bearer \(fake.token)")
            if let json {
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
                request.body = .bytes(ByteBuffer(bytes: json.data))
            } else if let form {
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: form))
            }
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 24)
            return Answer(
                status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                json: MattermostFakeJSON.parse(Data(body.readableBytesView)))
        }

        func post(_ text: String, thread: String? = nil) async throws -> Answer {
            var json: [String: MattermostFakeJSON] = ["channel": .string(fake.channelID), "text": .string(text)]
            if let thread { json["thread_ts"] = .string(thread) }
            return try await call("chat.postMessage", json: .object(json))
        }
    }

    @Test func errorsAreHTTP200WithOkFalse() async throws {
        try await withFake { fake, caller in
            let missing = try await caller.call("auth.test", authorization: "")
            #expect(
                missing.status == 200 && missing.json?["ok"] == .bool(false) && missing.json?["error"] == "not_authed")
            let wrong = try await caller.call("auth.test", authorization: "Bearer xoxb-nope")
            #expect(wrong.json?["error"] == "invalid_auth")
            let ok = try await caller.call("auth.test")
            #expect(ok.json?["ok"] == .bool(true) && ok.json?["user_id"]?.stringValue == fake.botUserID)
            fake.revokeToken()
            #expect(try await caller.call("auth.test").json?["error"] == "token_revoked")
        }
    }

    @Test func aBurstIsAllowedThenPostingIsLimitedToAboutOnePerSecondPerChannel() async throws {
        let frozen = Date(timeIntervalSince1970: 1_700_000_000)
        try await withFake(now: { frozen }) { fake, caller in
            for index in 0..<3 { #expect(try await caller.post("m\(index)").json?["ok"] == .bool(true)) }
            let limited = try await caller.post("m3")
            #expect(limited.status == 429 && limited.retryAfter == "1" && limited.json?["error"] == "ratelimited")
            // Another channel has its own allowance.
            let other = fake.addChannel()
            let elsewhere = try await caller.call(
                "chat.postMessage", json: .object(["channel": .string(other), "text": "hi"]))
            #expect(elsewhere.json?["ok"] == .bool(true))
            fake.advanceClock(by: .seconds(1))
            #expect(try await caller.post("m4").json?["ok"] == .bool(true))
            #expect(try await caller.post("m5").status == 429)
        }
    }

    @Test func historyListsTopLevelMessagesNewestFirstWithMetadataOnlyWhenAsked() async throws {
        try await withFake { fake, caller in
            fake.postingLimit = nil
            let metadata: MattermostFakeJSON = .object([
                "event_type": "dormouse_status", "event_payload": .object(["marker": "m1"]),
            ])
            let root = try await caller.call(
                "chat.postMessage",
                json: .object(["channel": .string(fake.channelID), "text": "root", "metadata": metadata]))
            let rootTS = try #require(root.json?["ts"]?.stringValue)
            #expect(root.json?["message"]?["metadata"] == metadata)
            _ = try await caller.post("reply", thread: rootTS)
            _ = try await caller.post("newest")
            let plain = try await caller.call("conversations.history", query: "channel=\(fake.channelID)")
            let texts = plain.json?["messages"]?.arrayValue?.compactMap { $0["text"]?.stringValue }
            #expect(texts == ["newest", "root"])
            #expect(plain.json?["messages"]?.arrayValue?.last?["metadata"] == nil)
            let rich = try await caller.call(
                "conversations.history", query: "channel=\(fake.channelID)&include_all_metadata=true&limit=1")
            #expect(rich.json?["has_more"] == .bool(true))
            let cursor = try #require(rich.json?["response_metadata"]?["next_cursor"]?.stringValue)
            let next = try await caller.call(
                "conversations.history",
                query: "channel=\(fake.channelID)&include_all_metadata=true&limit=1&cursor=\(cursor)")
            #expect(next.json?["messages"]?.arrayValue?.first?["metadata"] == metadata)
            #expect(next.json?["has_more"] == .bool(false))
            #expect(next.json?["response_metadata"]?["next_cursor"] == "")
            let replies = try await caller.call(
                "conversations.replies", query: "channel=\(fake.channelID)&ts=\(rootTS)")
            #expect(replies.json?["messages"]?.arrayValue?.compactMap { $0["text"]?.stringValue } == ["root", "reply"])
        }
    }

    @Test func writesCheckTheChannelTheTextAndTheMetadata() async throws {
        try await withFake { fake, caller in
            let outside = try await caller.call(
                "chat.postMessage", json: .object(["channel": .string(fake.outsideChannelID), "text": "x"]))
            #expect(outside.json?["error"] == "not_in_channel")
            let unknown = try await caller.call("chat.postMessage", json: .object(["channel": "C404", "text": "x"]))
            #expect(unknown.json?["error"] == "channel_not_found")
            let empty = try await caller.call("chat.postMessage", json: .object(["channel": .string(fake.channelID)]))
            #expect(empty.json?["error"] == "no_text")
            fake.textLimit = 3
            #expect(try await caller.post("four").json?["error"] == "msg_too_long")
            let bad = try await caller.call(
                "chat.postMessage",
                json: .object([
                    "channel": .string(fake.channelID), "text": "x", "metadata": .object(["event_type": "e"]),
                ]))
            #expect(bad.json?["error"] == "invalid_metadata_format")
            // The form-encoded way: metadata as a JSON string.
            fake.textLimit = 40_000
            let form = try await caller.call(
                "chat.postMessage",
                form:
                    "channel=\(fake.channelID)&text=hi+there&metadata=%7B%22event_type%22%3A%22e%22%2C%22event_payload%22%3A%7B%7D%7D"
            )
            #expect(form.json?["ok"] == .bool(true))
            #expect(fake.messages.last?.text == "hi there")
        }
    }
}
