/// Where a status post goes: a channel or a direct conversation with a user, optionally inside a thread.
package struct ChatDestination: Sendable, Hashable, Codable {
    /// The conversation a post belongs to, before it is resolved to a channel id.
    package enum Target: Sendable, Hashable, Codable {
        /// A channel, by its id.
        case channel(String)
        /// A direct conversation between the bot and this user id.
        case user(String)
    }

    package var target: Target
    /// The thread's root post id; nil posts at the top of the channel.
    package var rootID: String?

    package init(target: Target, rootID: String? = nil) {
        self.target = target
        self.rootID = rootID
    }
}

/// A post as the chat server stored it.
package struct ChatPost: Sendable, Equatable {
    package var id: String
    package var channelID: String
    package var message: String
    /// The hidden marker the post carries (from its props or its reference line), if any.
    package var marker: String?
    /// The session status recorded beside the marker when the post was last written (`active`, `done`, ...).
    package var status: String?

    package init(id: String, channelID: String, message: String, marker: String? = nil, status: String? = nil) {
        self.id = id
        self.channelID = channelID
        self.message = message
        self.marker = marker
        self.status = status
    }
}

/// What a status post is written with: the visible text plus the hidden marker that identifies its session.
package struct ChatMessage: Sendable, Equatable {
    /// The visible text; at most `ChatPoster.maxMessageCharacters` Unicode scalars.
    package var text: String
    /// An opaque token identifying the session's box; stored invisibly so the post can be found again.
    package var marker: String
    /// The session status at the time of writing, stored invisibly beside the marker.
    package var status: String

    package init(text: String, marker: String, status: String) {
        self.text = text
        self.marker = marker
        self.status = status
    }
}

/// Posts and edits session status messages on one chat server.
///
/// Every call is one logical request with no retries of its own: the caller owns retry, backoff and the
/// circuit breaker. Every failure is a `ChatError`; transport failures (refused, reset, timed out) are
/// `.network` so the caller can retry them.
package protocol ChatPoster: Sendable {
    /// The chat this poster writes to, as a session's route names it (`mattermost`, `matrix`, `slack`).
    var chat: String { get }

    /// The shortest time between two requests that write to one channel (Slack paces posting at about one
    /// message per second per channel); zero where the server has no such pace and answers 429 instead.
    var channelPace: Duration { get }

    /// The conversation a route's `to` names on this chat (`channel:<id>`, `user:<id>`, `room:<id or alias>`),
    /// or nil when it names nothing this chat knows.
    func target(routeTo to: String) -> ChatDestination.Target?

    /// The longest `ChatMessage.text` accepted, in Unicode scalars (the server's limit minus the marker's room).
    var maxMessageCharacters: Int { get }

    /// Checks that the server answers and accepts the token, with no side effect. Called at startup so a wrong
    /// URL or token shows in health and logs before any session needs a post.
    func checkConnection() async throws(ChatError)

    /// Resolves a target to a channel id: a channel as is; a user through the bot's direct channel, created
    /// if needed. Idempotent.
    func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String

    /// Creates a post. A repeated `pendingID` within the server's window (30 s for Mattermost) returns the
    /// post created first, so a retried create never duplicates.
    func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost

    /// Replaces the text of a post and rewrites its marker. `.postMissing` when the post is gone or not
    /// editable by us; `.editWindowClosed` past the server's edit time limit: both mean "create a new post".
    func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost

    /// The newest post in a channel carrying `marker`: recent channel posts first, then a search. Nil when
    /// none is found.
    func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost?
}

extension ChatPoster {
    package var channelPace: Duration { .zero }

    /// `channel:<id>` and `user:<id>`, the forms Mattermost and Slack routes take.
    package func target(routeTo to: String) -> ChatDestination.Target? {
        if to.hasPrefix("channel:"), to.count > 8 { return .channel(String(to.dropFirst(8))) }
        if to.hasPrefix("user:"), to.count > 5 { return .user(String(to.dropFirst(5))) }
        return nil
    }
}
