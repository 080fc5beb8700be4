import Foundation

/// `POST /teams/{team_id}/posts/search`: words of the message text only (props are not searchable), in the team's
/// channels and the bot's direct channels, newest first.
extension MattermostFake.State {
    /// Search modifiers the fake ignores rather than treating them as words.
    private static let modifiers = ["from:", "in:", "on:", "before:", "after:", "-from:", "-in:", "-on:"]

    mutating func search(teamID: String, _ body: MattermostFakeJSON?) -> Reply {
        guard teams[teamID] != nil, botTeams.contains(teamID) else {
            return .appError(status: 403, id: "api.context.permissions.app_error")
        }
        guard let body = body?.objectValue else {
            return .appError(status: 400, id: "api.post.search_posts.invalid_body.app_error")
        }
        guard let terms = body["terms"]?.stringValue, !terms.isEmpty else {
            return .appError(status: 400, id: "api.context.invalid_param.app_error")
        }
        let isOrSearch = body["is_or_search"]?.boolValue ?? false
        let perPage = max(0, body["per_page"]?.intValue ?? 60)
        let page = max(0, body["page"]?.intValue ?? 0)
        let words = Self.searchWords(terms)
        let channelIDs = Set(
            channels.values.filter { ($0.teamID == teamID || $0.teamID.isEmpty) && $0.members.contains(botUserID) }
                .map(\.id))
        let found = posts.values.filter { post in
            guard channelIDs.contains(post.channelID), !post.isDeleted, !words.isEmpty else { return false }
            let messageWords = Self.words(of: post.message)
            let hits = words.map { Self.matches($0, messageWords) }
            return isOrSearch ? hits.contains(true) : !hits.contains(false)
        }.sorted(by: MattermostFake.newestFirst)
        let start = min(found.count, page * perPage)
        let slice = Array(found[start..<min(found.count, start + perPage)])
        return .json(
            200,
            Self.postList(
                slice,
                extra: [
                    "matches": .object([:]), "next_post_id": "", "prev_post_id": "",
                    "has_next": .bool(start + perPage < found.count),
                ]))
    }

    /// The words a search asks for: quotes and modifiers dropped, split where the message words are split.
    static func searchWords(_ terms: String) -> [String] {
        terms.lowercased().split(whereSeparator: \.isWhitespace).flatMap { token -> [String] in
            let token = token.filter { $0 != "\"" }
            guard !modifiers.contains(where: token.hasPrefix) else { return [] }
            return token.split { !($0.isLetter || $0.isNumber || $0 == "*") }.map(String.init)
        }
    }

    /// The words of a message, lowercased; anything not a letter or digit separates words.
    static func words(of message: String) -> Set<String> {
        Set(message.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init))
    }

    /// A word matches exactly, or as a prefix when it ends with `*`.
    static func matches(_ word: String, _ words: Set<String>) -> Bool {
        guard word.hasSuffix("*") else { return words.contains(word) }
        let prefix = word.dropLast()
        return words.contains { $0.hasPrefix(prefix) }
    }
}
