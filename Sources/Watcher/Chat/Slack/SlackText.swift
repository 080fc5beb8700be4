import Foundation

/// How status text is written into a Slack message's `text` (mrkdwn).
///
/// `&`, `<` and `>` are Slack's control characters (links, mentions, `<!channel>`): they are sent as `&amp;`,
/// `&lt;` and `&gt;` so a transcript line can never mention or link anything
/// (https://docs.slack.dev/messaging/formatting-message-text#escaping). Other mrkdwn (`*bold*`, `_x_`, backticks)
/// has no escape in Slack and is left as written.
enum SlackText {
    /// Slack truncates `text` after this many characters (https://docs.slack.dev/reference/methods/chat.postMessage).
    static let serverLimit = 40_000
    /// The longest visible text the poster accepts. Slack advises at most 4,000 characters "for best results"; and
    /// escaping makes a character at most five (`&` → `&amp;`), so even 4,000 `&` stay within `serverLimit`.
    static let maxCharacters = 4_000

    /// `text` with Slack's control characters escaped. `&` first, so the entities are not escaped again.
    static func escaped(_ text: String) -> String {
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// The visible text of a stored message: the three entities decoded again (`&amp;` last).
    static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
