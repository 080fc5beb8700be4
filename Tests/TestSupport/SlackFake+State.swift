import Foundation
import Synchronization

extension SlackFake {
    /// A message as the fake stores it, with what tests inspect: its earlier texts and how often it was written.
    package struct Message: Sendable, Equatable {
        package var channel: String
        /// `"1700000000.000100"`: seconds and microseconds; unique and increasing across the workspace.
        package var ts: String
        package var user: String
        package var text: String
        /// The thread root's `ts`; nil at the top level.
        package var threadTS: String?
        /// `{event_type, event_payload}` as sent.
        package var metadata: MattermostFakeJSON?
        /// Earlier texts, oldest first: one per update.
        package var history: [String] = []
        package var updates = 0
        package var isDeleted = false

        package var postID: String { "\(channel)/\(ts)" }
        package var isTopLevel: Bool { threadTS == nil || threadTS == ts }
        /// A member of `event_payload`.
        package func payload(_ key: String) -> String? { metadata?["event_payload"]?[key]?.stringValue }
    }

    /// One request the fake received.
    package struct RecordedRequest: Sendable {
        package var httpMethod: String
        /// The API method: the path after `/api/` (`chat.postMessage`).
        package var method: String
        package var query: String
        package var contentType: String?
        package var authorization: String?
        package var time: Date
        package var body: Data
        /// The HTTP status answered; 0 while in progress and when the connection was dropped.
        package var status: Int
        /// The `error` of an `ok: false` answer; nil for `ok: true` (and before the answer).
        package var error: String?

        package var bodyText: String { String(decoding: body, as: UTF8.self) }
        package var json: MattermostFakeJSON? { MattermostFakeJSON.parse(body) }
    }

    /// What the fake holds, changed only under its lock by one request or test call at a time.
    struct State {
        struct MessageKey: Hashable {
            var channel: String
            var ts: String
        }

        struct Channel {
            var id: String
            var name: String
            var isIM: Bool
            var members: Set<String>
        }

        var clockOffset: TimeInterval = 0
        var botUserID = ""
        var users: [String: Bool] = [:]
        var tokenRevoked = false
        var channels: [String: Channel] = [:]
        var messages: [MessageKey: Message] = [:]
        /// Insertion order of `messages`.
        var order: [MessageKey] = []
        /// The last ts handed out, in microseconds.
        var lastTS: Int64 = 0
        var nextID = 0
        var requests: [RecordedRequest] = []
        var configuration = Configuration()
        var faults: [(filter: RequestFilter, fault: Fault)] = []
        var outage: Fault?
        var postingBuckets: [String: (tokens: Double, at: Date)] = [:]
        var updateBucket: (tokens: Double, at: Date)?
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var expiredWaiters: Set<Int> = []

        func now(_ clock: () -> Date) -> Date { clock().addingTimeInterval(clockOffset) }

        /// A new id like Slack's: a prefix letter and 10 upper-case letters or digits.
        mutating func newID(_ prefix: String) -> String {
            nextID += 1
            let digits = String(nextID, radix: 36).uppercased()
            return prefix + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
        }

        mutating func addUser(isBot: Bool) -> String {
            let id = newID("U")
            users[id] = isBot
            return id
        }

        mutating func addChannel(prefix: String, name: String, members: Set<String>) -> String {
            let id = newID(prefix)
            channels[id] = Channel(id: id, name: name, isIM: prefix == "D", members: members)
            return id
        }

        /// The next ts: the current time in microseconds, or one more than the last one, whichever is later.
        mutating func nextTS(at now: Date) -> String {
            let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
            lastTS = max(micros, lastTS + 1)
            let fraction = String(lastTS % 1_000_000)
            return "\(lastTS / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
        }

        mutating func insert(
            channel: String, user: String, text: String, threadTS: String?, metadata: MattermostFakeJSON?, at now: Date
        ) -> Message {
            let message = Message(
                channel: channel, ts: nextTS(at: now), user: user, text: text, threadTS: threadTS, metadata: metadata)
            let key = MessageKey(channel: channel, ts: message.ts)
            messages[key] = message
            order.append(key)
            return message
        }

        /// The live messages of a channel, newest first.
        func liveMessages(in channel: String) -> [Message] {
            order.reversed().compactMap { messages[$0] }.filter { $0.channel == channel && !$0.isDeleted }
        }
    }

    /// Settings a test may change at any time.
    struct Configuration {
        /// The longest `text` accepted, in characters; longer answers `msg_too_long`.
        var textLimit = 40_000
        /// `chat.postMessage` per channel: about one a second with short bursts.
        var postingLimit: RateLimit? = RateLimit(perSecond: 1, burst: 3)
        /// `chat.update` (Tier 3, 50+ a minute per workspace); off unless a test turns it on.
        var updateLimit: RateLimit?
    }
}
