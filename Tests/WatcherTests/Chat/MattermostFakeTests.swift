import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The Mattermost fake's contract, spoken to with a plain HTTP client: what the poster tests rely on.
@Suite(.timeLimit(.minutes(1)))
struct MattermostFakeTests {
    /// One answer: status, headers and body text.
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: MattermostFakeJSON? { MattermostFakeJSON.parse(Data(body.utf8)) }
    }

    func call(
        _ fake: MattermostFake, _ method: HTTPMethod, _ path: String, _ body: String? = nil, token: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: fake.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? fake.token)")
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        // A guard against a hang, not a timing check: a loaded CI machine once took over 10 s here.
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    func createBody(_ fake: MattermostFake, _ message: String, pendingID: String = "") -> String {
        let json = MattermostFakeJSON.object([
            "channel_id": .string(fake.channelID), "message": .string(message), "pending_post_id": .string(pendingID),
            "props": .object(["k": "v"]),
        ])
        return String(decoding: json.data, as: UTF8.self)
    }

    @Test func aMissingOrWrongTokenIs401WithAnAppError() async throws {
        try await MattermostFake.withRunning { fake in
            let answer = try await call(fake, .GET, "/api/v4/users/me", token: "nope")
            #expect(answer.status == 401)
            #expect(answer.json?["id"] == "api.context.session_expired.app_error")
            #expect(answer.json?["status_code"] == .int(401))
            #expect(answer.json?["message"]?.stringValue?.isEmpty == false)
            #expect(answer.json?["detailed_error"] == "")
            #expect(answer.json?["request_id"]?.stringValue?.count == 26)
        }
    }

    @Test func createIs201AndTheMessageLimitCountsRunes() async throws {
        try await MattermostFake.withRunning { fake in
            let created = try await call(fake, .POST, "/api/v4/posts", createBody(fake, "hi"))
            #expect(created.status == 201)
            #expect(created.json?["props"]?["from_bot"] == "true")
            #expect(created.json?["props"]?["k"] == "v")
            let exact = String(repeating: "é", count: 16383)  // 2 bytes each: bytes are not runes
            #expect(try await call(fake, .POST, "/api/v4/posts", createBody(fake, exact)).status == 201)
            let over = try await call(fake, .POST, "/api/v4/posts", createBody(fake, exact + "e"))
            #expect(over.status == 400)
            #expect(over.json?["id"] == "model.post.is_valid.message_length.app_error")
        }
    }

    @Test func aPendingPostIDIsRememberedForThirtySeconds() async throws {
        try await MattermostFake.withRunning { fake in
            let first = try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a", pendingID: "u:1"))
            let retry = try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a", pendingID: "u:1"))
            #expect(retry.status == 201)
            #expect(retry.json?["id"] == first.json?["id"])
            fake.advanceClock(by: .seconds(31))
            let late = try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a", pendingID: "u:1"))
            #expect(late.json?["id"] != first.json?["id"])
            #expect(fake.posts.map(\.creates) == [2, 1])
        }
    }

    @Test func patchReplacesPropsAndAnswers403ForAMissingPost() async throws {
        try await MattermostFake.withRunning { fake in
            let id = try #require(
                try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a")).json?["id"]?.stringValue)
            let onlyText = try await call(fake, .PUT, "/api/v4/posts/\(id)/patch", #"{"message":"b"}"#)
            #expect(onlyText.status == 200)
            #expect(onlyText.json?["props"]?["k"] == "v")
            let props = try await call(fake, .PUT, "/api/v4/posts/\(id)/patch", #"{"props":{"n":"1"}}"#)
            #expect(props.json?["props"] == .object(["n": "1"]))
            #expect(fake.post(id)?.history == ["a"])
            #expect(fake.post(id)?.edits == 2)
            #expect(try await call(fake, .DELETE, "/api/v4/posts/\(id)").status == 200)
            #expect(try await call(fake, .GET, "/api/v4/posts/\(id)").status == 404)
            let gone = try await call(fake, .PUT, "/api/v4/posts/\(id)/patch", #"{"message":"c"}"#)
            #expect(gone.status == 403)
            #expect(gone.json?["id"] == "api.context.permissions.app_error")
        }
    }

    @Test func channelPostsAreNewestFirstAndAtMost200() async throws {
        try await MattermostFake.withRunning { fake in
            for index in 0..<205 { fake.insertPost(channelID: fake.channelID, message: "m\(index)") }
            let page = try await call(fake, .GET, "/api/v4/channels/\(fake.channelID)/posts?per_page=500")
            let order = page.json?["order"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(order.count == 200)
            #expect(page.json?["posts"]?[order[0]]?["message"] == "m204")
            #expect(page.json?["prev_post_id"]?.stringValue == fake.posts(in: fake.channelID)[200].id)
            #expect(try await call(fake, .GET, "/api/v4/channels/nochannel/posts").status == 404)
        }
    }

    @Test func searchMatchesMessageWordsButNotProps() async throws {
        try await MattermostFake.withRunning { fake in
            fake.insertPost(channelID: fake.channelID, message: "see [dormouseabc]: #", props: ["m": "hidden"])
            let path = "/api/v4/teams/\(fake.teamID)/posts/search"
            let hit = try await call(fake, .POST, path, #"{"terms":"dormouseabc","is_or_search":false}"#)
            #expect(hit.json?["order"]?.arrayValue?.count == 1)
            let miss = try await call(fake, .POST, path, #"{"terms":"hidden","is_or_search":false}"#)
            #expect(miss.json?["order"]?.arrayValue?.count == 0)
            #expect(try await call(fake, .POST, "/api/v4/teams/noteam/posts/search", #"{"terms":"x"}"#).status == 403)
        }
    }

    @Test func theRateLimiterAnswersPlainText429WithRetryAfter() async throws {
        // A frozen clock: on a loaded machine the requests may take over a second, which would refill the bucket.
        let frozen = Date(timeIntervalSince1970: 1_800_000_000)
        try await MattermostFake.withRunning(now: { frozen }) { fake in
            fake.rateLimit = .init(perSecond: 1, burst: 2)
            #expect(try await call(fake, .GET, "/api/v4/users/me").status == 200)
            #expect(try await call(fake, .GET, "/api/v4/users/me").status == 200)
            let refused = try await call(fake, .GET, "/api/v4/users/me")
            #expect(refused.status == 429)
            #expect(refused.body == "limit exceeded\n")
            #expect(refused.headers.first(name: "Retry-After") == "1")
            #expect(refused.headers.first(name: "X-Ratelimit-Limit") == "2")
            fake.advanceClock(by: .seconds(1))
            #expect(try await call(fake, .GET, "/api/v4/users/me").status == 200)
        }
    }

    @Test func scriptedFaultsHitMatchingRequestsAndAnOutageHitsAll() async throws {
        try await MattermostFake.withRunning { fake in
            fake.failNext(2, with: .status(500), where: .init(method: "POST", pathPrefix: "/api/v4/posts"))
            #expect(try await call(fake, .GET, "/api/v4/users/me").status == 200)
            #expect(try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a")).status == 500)
            #expect(try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a")).status == 500)
            #expect(try await call(fake, .POST, "/api/v4/posts", createBody(fake, "a")).status == 201)
            fake.startOutage()
            let down = try await call(fake, .GET, "/api/v4/users/me")
            #expect(down.status == 503 && down.json?["status_code"] == .int(503))
            fake.endOutage()
            #expect(try await call(fake, .GET, "/api/v4/users/me").status == 200)
        }
    }

    @Test func waitForResumesWhenARequestArrivesAndGivesUpAtItsTimeout() async throws {
        try await MattermostFake.withRunning { fake in
            async let created = call(fake, .POST, "/api/v4/posts", createBody(fake, "ready now"))
            let post = await fake.waitForPost(containing: "ready")
            #expect(post?.message == "ready now")
            let status = try await created.status
            #expect(status == 201)
            #expect(await fake.waitForRequests(1, matching: .init(method: "POST")))
            #expect(await fake.waitFor(timeout: .milliseconds(20)) { $0.requests.count > 5 } == false)
        }
    }
}
