import Foundation
import NIOHTTP1

/// How Slack's failures read as `ChatError`s. Slack answers most errors as HTTP 200 `{"ok": false, "error": code}`
/// (https://docs.slack.dev/apis/web-api/#responses); rate limits as HTTP 429 with `Retry-After` in seconds
/// (https://docs.slack.dev/apis/web-api/rate-limits).
extension SlackPoster {
    /// Codes meaning the token is wrong, revoked or missing.
    static let authErrors: Set<String> = [
        "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "not_allowed_token_type",
    ]
    /// Codes meaning Slack itself failed; the same call may succeed later.
    static let serverErrors: Set<String> = ["internal_error", "fatal", "service_unavailable", "request_timeout"]
    /// Codes of an edit whose message is gone or not the bot's: the relay creates a new post.
    static let postGoneErrors: Set<String> = ["message_not_found", "cant_update_message"]
    /// What an operator should do about a channel the bot cannot write to.
    static let channelHints = [
        "channel_not_found": "channel_not_found: no such channel, or the bot cannot see it (check the channel id)",
        "not_in_channel": "not_in_channel: the bot is not a member of the channel (invite it with /invite)",
        "is_archived": "is_archived: the channel is archived",
    ]
    /// The longest `Retry-After` honoured, so a broken header cannot park the relay for days.
    static let maxRetryAfterSeconds = 3600.0

    /// A failed answer: an HTTP status other than 2xx, or `ok: false` with its error code.
    static func failure(
        status: Int, headers: HTTPHeaders, envelope: SlackWire.Envelope?, operation: Operation
    ) -> ChatError {
        let code = envelope?.ok == false ? envelope?.error : nil
        if status == 429 || code == "ratelimited" || code == "rate_limited" {
            return .rateLimited(retryAfter: retryAfter(headers))
        }
        if status >= 500 { return .server(status: status, detail: code ?? "HTTP \(status)") }
        guard let code else {
            guard (200..<300).contains(status) else { return .rejected(status: status, detail: "HTTP \(status)") }
            return .server(status: status, detail: "unreadable response body")
        }
        if authErrors.contains(code) { return .unauthorized(detail: code) }
        if serverErrors.contains(code) { return .server(status: status, detail: code) }
        if operation == .edit, postGoneErrors.contains(code) { return .postMissing(status: status, detail: code) }
        if operation == .edit, code == "edit_window_closed" { return .editWindowClosed(detail: code) }
        if code == "missing_scope", let needed = envelope?.needed {
            return .rejected(status: status, detail: "missing_scope: the token needs the \(needed) scope")
        }
        return .rejected(status: status, detail: channelHints[code] ?? code)
    }

    /// `Retry-After` in seconds (the form Slack sends); nil when missing or not a number.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let text = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(text), seconds.isFinite, seconds >= 0
        else { return nil }
        return .milliseconds(Int64((min(seconds, maxRetryAfterSeconds) * 1000).rounded()))
    }
}
