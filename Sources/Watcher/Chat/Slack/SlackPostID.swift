/// A Slack message as one post id: `<channel>/<ts>`.
///
/// `chat.update` needs the channel as well as the message's `ts`, and `ChatPoster.edit(postID:with:)` gets only the
/// id (also after a restart, from the posts file), so the channel travels inside it. Channel ids and `ts` values
/// never contain `/`.
struct SlackPostID: Equatable {
    var channel: String
    var ts: String

    /// The id's text.
    var text: String { "\(channel)/\(ts)" }

    /// Reads an id; nil when it is not `<channel>/<ts>`.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.channel = String(parts[0])
        self.ts = String(parts[1])
    }

    init(channel: String, ts: String) {
        self.channel = channel
        self.ts = ts
    }

    /// The `ts` of a thread root given either as a bare `ts` or as a post id.
    static func threadTS(_ rootID: String?) -> String? {
        guard let rootID, !rootID.isEmpty else { return nil }
        return SlackPostID(rootID)?.ts ?? rootID
    }
}
