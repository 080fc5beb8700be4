import Foundation
import Synchronization

/// The Web API methods the fake answers, as docs/slack-contract.md describes them (each behaviour with its source).
extension SlackFake.State {
    typealias Reply = SlackFake.Reply
    typealias Arguments = [String: MattermostFakeJSON]

    /// The normal answer: the token first, then the method.
    mutating func answer(_ request: SlackFake.RecordedRequest, token: String, clock: () -> Date) -> Reply {
        let time = self.now(clock)
        let arguments = request.arguments
        let bearer = request.authorization.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let presented = bearer ?? arguments["token"]?.stringValue, !presented.isEmpty else {
            return .error("not_authed")
        }
        guard presented == token else { return .error("invalid_auth") }
        guard !tokenRevoked else { return .error("token_revoked") }
        switch request.method {
        case "auth.test": return authTest()
        case "chat.postMessage": return postMessage(arguments, at: time)
        case "chat.update": return update(arguments, at: time)
        case "conversations.open": return open(arguments)
        case "conversations.history": return history(arguments)
        case "conversations.replies": return replies(arguments)
        default: return .error("unknown_method", status: 404)
        }
    }

    func authTest() -> Reply {
        .ok([
            "url": "https://dormouse-fake.slack.com/", "team": "dormouse", "user": "dormouse-bot",
            "team_id": "T0000000001", "user_id": .string(botUserID), "bot_id": "B0000000001",
        ])
    }

    /// A channel the bot may read and write: `channel_not_found` when unknown, `not_in_channel` when not a member.
    func writableChannel(_ arguments: Arguments) -> Result<Channel, SlackFake.Reply> {
        guard let id = arguments["channel"]?.stringValue, !id.isEmpty, let channel = channels[id] else {
            return .failure(.error("channel_not_found"))
        }
        guard channel.members.contains(botUserID) else { return .failure(.error("not_in_channel")) }
        return .success(channel)
    }

    /// `metadata` as an object, or as a JSON string (the form-encoded way); nil when absent.
    static func metadata(_ arguments: Arguments) -> Result<MattermostFakeJSON?, SlackFake.Reply> {
        guard var metadata = arguments["metadata"] else { return .success(nil) }
        if let text = metadata.stringValue {
            guard let parsed = MattermostFakeJSON.parse(Data(text.utf8)) else {
                return .failure(.error("invalid_metadata_format"))
            }
            metadata = parsed
        }
        guard metadata["event_type"]?.stringValue?.isEmpty == false, metadata["event_payload"]?.objectValue != nil
        else { return .failure(.error("invalid_metadata_format")) }
        return .success(metadata)
    }

    /// The text of a write: `no_text` when missing, `msg_too_long` past the limit.
    func text(_ arguments: Arguments) -> Result<String, SlackFake.Reply> {
        guard let text = arguments["text"]?.stringValue, !text.isEmpty else { return .failure(.error("no_text")) }
        guard text.count <= configuration.textLimit else { return .failure(.error("msg_too_long")) }
        return .success(text)
    }

    /// `chat.postMessage`: the per-channel posting limit first, then the channel, text and metadata.
    mutating func postMessage(_ arguments: Arguments, at now: Date) -> Reply {
        let channel: Channel
        let text: String
        let metadata: MattermostFakeJSON?
        switch (writableChannel(arguments), self.text(arguments), Self.metadata(arguments)) {
        case (.failure(let reply), _, _), (_, .failure(let reply), _), (_, _, .failure(let reply)): return reply
        case (.success(let c), .success(let t), .success(let m)): (channel, text, metadata) = (c, t, m)
        }
        var bucket = postingBuckets[channel.id]
        let wait = Self.take(&bucket, limit: configuration.postingLimit, at: now)
        postingBuckets[channel.id] = bucket
        if let wait { return .rateLimited(retryAfter: wait) }
        let threadTS = arguments["thread_ts"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let message = insert(
            channel: channel.id, user: botUserID, text: text, threadTS: threadTS, metadata: metadata, at: now)
        return .ok(["channel": .string(channel.id), "ts": .string(message.ts), "message": Self.json(message, true)])
    }

    /// `chat.update`: `message_not_found` for a missing or deleted message, `cant_update_message` for another
    /// user's. Metadata that is sent replaces the old; metadata that is not sent is kept.
    mutating func update(_ arguments: Arguments, at now: Date) -> Reply {
        if let wait = Self.take(&updateBucket, limit: configuration.updateLimit, at: now) {
            return .rateLimited(retryAfter: wait)
        }
        let channel: Channel
        let text: String
        let metadata: MattermostFakeJSON?
        switch (writableChannel(arguments), self.text(arguments), Self.metadata(arguments)) {
        case (.failure(let reply), _, _), (_, .failure(let reply), _), (_, _, .failure(let reply)): return reply
        case (.success(let c), .success(let t), .success(let m)): (channel, text, metadata) = (c, t, m)
        }
        let key = MessageKey(channel: channel.id, ts: arguments["ts"]?.stringValue ?? "")
        guard var message = messages[key], !message.isDeleted else { return .error("message_not_found") }
        guard message.user == botUserID else { return .error("cant_update_message") }
        message.history.append(message.text)
        message.text = text
        message.metadata = metadata ?? message.metadata
        message.updates += 1
        messages[key] = message
        return .ok([
            "channel": .string(channel.id), "ts": .string(message.ts), "text": .string(text),
            "message": Self.json(message, true),
        ])
    }

    /// `conversations.open` with `users`: the bot's direct conversation with one user, the same on every call.
    mutating func open(_ arguments: Arguments) -> Reply {
        guard let list = arguments["users"]?.stringValue, !list.isEmpty else {
            return .error("users_list_not_supplied")
        }
        let ids = list.split(separator: ",").map(String.init)
        guard ids.allSatisfy({ users[$0] != nil }) else { return .error("user_not_found") }
        let members = Set(ids + [botUserID])
        if let existing = channels.values.first(where: { $0.isIM && $0.members == members }) {
            return .ok(["channel": .object(["id": .string(existing.id)])])
        }
        let id = addChannel(prefix: "D", name: "", members: members)
        return .ok(["channel": .object(["id": .string(id)])])
    }

    /// A message as the API returns it; metadata only when asked for (`include_all_metadata`).
    static func json(_ message: SlackFake.Message, _ withMetadata: Bool) -> MattermostFakeJSON {
        var object: [String: MattermostFakeJSON] = [
            "type": "message", "ts": .string(message.ts), "user": .string(message.user),
            "text": .string(message.text),
        ]
        if let threadTS = message.threadTS { object["thread_ts"] = .string(threadTS) }
        if message.updates > 0 {
            object["edited"] = .object(["user": .string(message.user), "ts": .string(message.ts)])
        }
        if withMetadata, let metadata = message.metadata { object["metadata"] = metadata }
        return .object(object)
    }
}
