/// A failed chat request: a struct over a private code, with what the caller needs to decide what next.
package struct ChatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of chat failures.
    private enum Code: Sendable, Equatable {
        case network
        case server
        case rateLimited
        case postMissing
        case editWindowClosed
        case unauthorized
        case rejected
    }

    private let code: Code
    /// The HTTP status, when the server answered.
    package let status: Int?
    /// How long the server asked us to wait (429 `Retry-After`), when it said.
    package let retryAfter: Duration?
    /// The server's error id (Mattermost AppError `id`) or a transport reason; never contains the token.
    package let detail: String

    /// The request did not get an answer: refused, reset, timed out.
    package static func network(_ detail: String) -> Self {
        Self(code: .network, status: nil, retryAfter: nil, detail: detail)
    }
    /// A 5xx answer.
    package static func server(status: Int, detail: String) -> Self {
        Self(code: .server, status: status, retryAfter: nil, detail: detail)
    }
    /// A 429 answer, with its `Retry-After` when present.
    package static func rateLimited(retryAfter: Duration?) -> Self {
        Self(code: .rateLimited, status: 429, retryAfter: retryAfter, detail: "rate limited")
    }
    /// The post to edit is gone or not ours (Mattermost answers 403).
    package static func postMissing(status: Int, detail: String) -> Self {
        Self(code: .postMissing, status: status, retryAfter: nil, detail: detail)
    }
    /// The post is past the server's edit time limit (Mattermost answers 400).
    package static func editWindowClosed(detail: String) -> Self {
        Self(code: .editWindowClosed, status: 400, retryAfter: nil, detail: detail)
    }
    /// The token was refused (401).
    package static func unauthorized(detail: String) -> Self {
        Self(code: .unauthorized, status: 401, retryAfter: nil, detail: detail)
    }
    /// Any other 4xx: the request itself is wrong and retrying it cannot help.
    package static func rejected(status: Int, detail: String) -> Self {
        Self(code: .rejected, status: status, retryAfter: nil, detail: detail)
    }

    /// Whether the same request may succeed later: network errors, 5xx and 429.
    package var isRetryable: Bool { code == .network || code == .server || code == .rateLimited }
    /// Whether the server itself is failing, which counts towards opening the circuit breaker.
    package var isServerFailure: Bool { code == .network || code == .server }
    /// Whether the post cannot be edited any more, so a new one must be created.
    package var needsNewPost: Bool { code == .postMissing || code == .editWindowClosed }
    package var isRateLimited: Bool { code == .rateLimited }

    package var description: String {
        switch code {
        case .network: "chat server unreachable: \(detail)"
        case .server: "chat server error \(status ?? 0): \(detail)"
        case .rateLimited: "chat server rate limited" + (retryAfter.map { " (retry after \($0))" } ?? "")
        case .postMissing: "post missing or not editable (\(status ?? 0)): \(detail)"
        case .editWindowClosed: "post past the edit time limit: \(detail)"
        case .unauthorized: "chat token refused: \(detail)"
        case .rejected: "chat request rejected (\(status ?? 0)): \(detail)"
        }
    }
}
