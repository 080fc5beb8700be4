import Foundation

/// The JSON shapes of the Slack Web API that the poster sends and reads; decoding ignores every other field.
enum SlackWire {
    /// The `event_type` of the metadata every status message carries.
    static let eventType = "dormouse_status"

    /// `metadata` of a message: `{event_type, event_payload}` (https://docs.slack.dev/messaging/message-metadata).
    struct Metadata: Codable {
        var eventType: String
        var eventPayload: Payload

        enum CodingKeys: String, CodingKey {
            case eventType = "event_type"
            case eventPayload = "event_payload"
        }
    }

    /// What the poster stores in `event_payload`: the session marker, its status, and the create attempt.
    struct Payload: Codable {
        var marker: String?
        var status: String?
        /// The relay's `pendingID` of the create that made the message, to recognise it after an ambiguous failure.
        var pendingID: String?

        enum CodingKeys: String, CodingKey {
            case marker
            case status
            case pendingID = "pending_id"
        }
    }

    /// `chat.postMessage`.
    struct PostMessage: Encodable {
        var channel: String
        var text: String
        var threadTS: String?
        var metadata: Metadata
        /// Status text is never turned into link previews.
        var unfurlLinks = false
        var unfurlMedia = false

        enum CodingKeys: String, CodingKey {
            case channel
            case text
            case threadTS = "thread_ts"
            case metadata
            case unfurlLinks = "unfurl_links"
            case unfurlMedia = "unfurl_media"
        }
    }

    /// `chat.update`: the metadata is sent every time so the status beside the marker stays current.
    struct Update: Encodable {
        var channel: String
        var ts: String
        var text: String
        var metadata: Metadata
    }

    /// `conversations.open` with one user: the bot's direct conversation with them.
    struct Open: Encodable {
        var users: String
    }

    /// The envelope of every answer: `ok`, and on failure `error` (https://docs.slack.dev/apis/web-api/).
    struct Envelope: Decodable {
        var ok: Bool
        var error: String?
        /// `missing_scope` names the scope the token lacks here.
        var needed: String?
    }

    /// A message as `chat.postMessage`, `chat.update` and `conversations.history` return it.
    struct Message: Decodable {
        var ts: String?
        var text: String?
        var threadTS: String?
        var metadata: Metadata?

        enum CodingKeys: String, CodingKey {
            case ts
            case text
            case threadTS = "thread_ts"
            case metadata
        }

        /// The dormouse payload, when the message carries one.
        var payload: Payload? { metadata?.eventType == SlackWire.eventType ? metadata?.eventPayload : nil }
    }

    /// The answer of `chat.postMessage` and `chat.update`: `{ok, channel, ts, message}`.
    struct Posted: Decodable {
        var channel: String
        var ts: String
        var message: Message?
    }

    /// The answer of `conversations.open`.
    struct Opened: Decodable {
        var channel: Conversation

        struct Conversation: Decodable {
            var id: String
        }
    }

    /// The answer of `auth.test`.
    struct Identity: Decodable {
        var userID: String?

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
        }
    }

    /// One page of `conversations.history` or `conversations.replies`: newest first, with the next page's cursor.
    struct History: Decodable {
        var messages: [Message]
        var hasMore: Bool?
        var responseMetadata: ResponseMetadata?

        enum CodingKeys: String, CodingKey {
            case messages
            case hasMore = "has_more"
            case responseMetadata = "response_metadata"
        }

        /// The cursor of the next page; nil on the last page (Slack sends "" there).
        var nextCursor: String? {
            guard let cursor = responseMetadata?.nextCursor, !cursor.isEmpty else { return nil }
            return cursor
        }
    }

    struct ResponseMetadata: Decodable {
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case nextCursor = "next_cursor"
        }
    }
}
