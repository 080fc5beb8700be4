import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Posts status messages to Slack over the Web API (`chat.postMessage`, `chat.update`, `conversations.*`), through
/// one shared `HTTPClient`.
///
/// A message carries its session's marker in message metadata (`event_type` `dormouse_status`, `event_payload`
/// `{marker, status, pending_id}`): invisible, and returned by `conversations.history` with `include_all_metadata`.
/// A post id is `<channel>/<ts>` (see `SlackPostID`), since `chat.update` needs both. The token goes only into the
/// `Authorization: Bearer` header: it is never logged and never part of an error.
///
/// `chat.postMessage` has no idempotency key. A create that failed without a clear answer (transport error, 5xx)
/// is remembered by its `pendingID`; when the relay retries it, the recent messages are searched for that
/// `pending_id` first and a message found there is updated instead of posting a second one.
package struct SlackPoster: ChatPoster {
    package let chat = "slack"
    /// Slack posts about one message per second per channel (https://docs.slack.dev/apis/web-api/rate-limits).
    package let channelPace: Duration = .seconds(1)
    package let maxMessageCharacters = SlackText.maxCharacters

    /// How many messages one history page asks for, and how many pages `findPost` reads at most.
    static let historyPageSize = 200
    static let historyPageLimit = 5

    let apiURL: String
    let token: String
    let httpClient: HTTPClient
    let logger: Logger
    let requestTimeout: Duration
    let directory = SlackDirectory()

    /// `apiURL` like `https://slack.com/api`; `token` is a bot token (`xoxb-…`, never logged). `requestTimeout`
    /// bounds each request, connect to last byte.
    package init(
        apiURL: String, token: String, httpClient: HTTPClient, logger: Logger, requestTimeout: Duration = .seconds(10)
    ) {
        var base = apiURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiURL = base
        self.token = token
        self.httpClient = httpClient
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// An HTTP client suited to the poster: connects are not retried inside the client (an unreachable server
    /// fails at once as `.network`; the relay owns retries) and connecting is bounded to 5 s.
    package static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    package func checkConnection() async throws(ChatError) {
        let _: SlackWire.Identity = try await call("auth.test", json: [String: String](), operation: .lookup)
    }

    package func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        switch target {
        case .channel(let id):
            return id
        case .user(let userID):
            if let known = directory.directChannel(with: userID) { return known }
            let opened: SlackWire.Opened = try await call(
                "conversations.open", json: SlackWire.Open(users: userID), operation: .lookup)
            directory.setDirectChannel(opened.channel.id, with: userID)
            return opened.channel.id
        }
    }

    package func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        let threadTS = SlackPostID.threadTS(rootID)
        if directory.unconfirmed(pendingID) != nil {
            if let earlier = try await findCreated(pendingID, channel: channelID, threadTS: threadTS) {
                do throws(ChatError) {
                    let post = try await edit(postID: earlier.text, with: message)
                    directory.confirm(pendingID)
                    return post
                } catch  where error.needsNewPost {
                    // Deleted since: post again below.
                }
            }
        }
        let body = SlackWire.PostMessage(
            channel: channelID, text: SlackText.escaped(message.text), threadTS: threadTS,
            metadata: Self.metadata(of: message, pendingID: pendingID))
        let posted: SlackWire.Posted
        do throws(ChatError) {
            posted = try await call("chat.postMessage", json: body, operation: .create)
        } catch  where error.isServerFailure {
            // The message may have been posted before the failure: the retry looks for it first.
            directory.setUnconfirmed(pendingID, .init(channel: channelID, threadTS: threadTS))
            throw error
        }
        directory.confirm(pendingID)
        return Self.post(SlackPostID(channel: posted.channel, ts: posted.ts), message: message)
    }

    package func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        guard let id = SlackPostID(postID) else {
            throw .postMissing(status: 400, detail: "not a Slack post id (<channel>/<ts>)")
        }
        let body = SlackWire.Update(
            channel: id.channel, ts: id.ts, text: SlackText.escaped(message.text),
            metadata: Self.metadata(of: message, pendingID: nil))
        let updated: SlackWire.Posted = try await call("chat.update", json: body, operation: .edit)
        return Self.post(SlackPostID(channel: updated.channel, ts: updated.ts), message: message)
    }

    /// The newest top-level message of the channel carrying `marker` in its metadata, from at most
    /// `historyPageLimit` pages of history. A status post inside a thread is not found: history lists only the
    /// top level (thread replies need `conversations.replies` and the thread's root).
    package func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        var cursor: String?
        for _ in 0..<Self.historyPageLimit {
            let page = try await history(channelID, threadTS: nil, cursor: cursor, limit: Self.historyPageSize)
            if let found = page.messages.first(where: { $0.payload?.marker == marker }) {
                return Self.post(found, channel: channelID)
            }
            guard page.hasMore == true, let next = page.nextCursor else { return nil }
            cursor = next
        }
        return nil
    }

    /// The message an earlier attempt of the create `pendingID` made, among the newest messages where it went.
    func findCreated(_ pendingID: String, channel: String, threadTS: String?) async throws(ChatError) -> SlackPostID? {
        let page = try await history(channel, threadTS: threadTS, cursor: nil, limit: 100)
        guard let found = page.messages.first(where: { $0.payload?.pendingID == pendingID }), let ts = found.ts else {
            return nil
        }
        return SlackPostID(channel: channel, ts: ts)
    }

    /// One page of a channel's history, or of a thread's replies when `threadTS` is given.
    func history(
        _ channel: String, threadTS: String?, cursor: String?, limit: Int
    ) async throws(ChatError) -> SlackWire.History {
        var query = [("channel", channel), ("limit", "\(limit)"), ("include_all_metadata", "true")]
        if let threadTS { query.append(("ts", threadTS)) }
        if let cursor { query.append(("cursor", cursor)) }
        let method = threadTS == nil ? "conversations.history" : "conversations.replies"
        return try await call(method, query: query, operation: .lookup)
    }

    static func metadata(of message: ChatMessage, pendingID: String?) -> SlackWire.Metadata {
        SlackWire.Metadata(
            eventType: SlackWire.eventType,
            eventPayload: .init(marker: message.marker, status: message.status, pendingID: pendingID))
    }

    /// The post as callers see it after a write: the text and marker just sent.
    static func post(_ id: SlackPostID, message: ChatMessage) -> ChatPost {
        ChatPost(
            id: id.text, channelID: id.channel, message: message.text, marker: message.marker, status: message.status)
    }

    /// A stored message as a post: its visible (unescaped) text and the marker and status of its metadata.
    static func post(_ message: SlackWire.Message, channel: String) -> ChatPost {
        ChatPost(
            id: SlackPostID(channel: channel, ts: message.ts ?? "").text, channelID: channel,
            message: SlackText.unescaped(message.text ?? ""), marker: message.payload?.marker,
            status: message.payload?.status)
    }
}
