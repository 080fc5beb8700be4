import Foundation

/// The JSON shapes of the Matrix client-server API (v3) that the poster sends and reads; decoding ignores every
/// other field.
enum MatrixWire {
    /// The custom content keys the poster owns: invisible to clients, kept by the server, returned by `/messages`.
    static let markerKey = "dev.dormouse.marker"
    static let statusKey = "dev.dormouse.status"
    /// `m.notice`: the message type for bots (clients do not notify for it, and bots must not answer it, so two
    /// bots in a room cannot loop).
    static let messageType = "m.notice"
    static let htmlFormat = "org.matrix.custom.html"

    /// The content of a status message: the text, its HTML, and the marker fields.
    struct MessageContent: Encodable, Equatable {
        var msgtype = MatrixWire.messageType
        var body: String
        var format: String? = MatrixWire.htmlFormat
        var formattedBody: String?
        var marker: String?
        var status: String?
        var relatesTo: Relation?

        enum CodingKeys: String, CodingKey {
            case msgtype, body, format
            case formattedBody = "formatted_body"
            case marker = "dev.dormouse.marker"
            case status = "dev.dormouse.status"
            case relatesTo = "m.relates_to"
        }

        init(_ message: ChatMessage, thread rootEventID: String? = nil) {
            body = message.text
            formattedBody = MatrixText.html(message.text)
            marker = message.marker
            status = message.status
            relatesTo = rootEventID.map { Relation(relType: "m.thread", eventID: $0, isFallingBack: true) }
        }
    }

    /// The content of an edit (`m.replace`): a small fallback body and the whole new content.
    struct EditContent: Encodable {
        var msgtype = MatrixWire.messageType
        var body: String
        var newContent: MessageContent
        var relatesTo: Relation

        enum CodingKeys: String, CodingKey {
            case msgtype, body
            case newContent = "m.new_content"
            case relatesTo = "m.relates_to"
        }

        init(_ message: ChatMessage, replacing eventID: String) {
            body = MatrixText.fallback(message.text)
            newContent = MessageContent(message)
            relatesTo = Relation(relType: "m.replace", eventID: eventID)
        }
    }

    /// `m.relates_to`.
    struct Relation: Codable, Equatable {
        var relType: String?
        var eventID: String?
        var isFallingBack: Bool?

        enum CodingKeys: String, CodingKey {
            case relType = "rel_type"
            case eventID = "event_id"
            case isFallingBack = "is_falling_back"
        }
    }

    /// The content of any event as read back: a message, an edit, or a redacted event's empty content. Every
    /// field is optional and a field of another type reads as absent: other users' events can hold anything.
    struct ReadContent: Decodable {
        var body: String?
        var marker: String?
        var status: String?
        var newContent: NewContent?
        var relatesTo: Relation?

        enum CodingKeys: String, CodingKey {
            case body
            case marker = "dev.dormouse.marker"
            case status = "dev.dormouse.status"
            case newContent = "m.new_content"
            case relatesTo = "m.relates_to"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            body = try? container.decodeIfPresent(String.self, forKey: .body)
            marker = try? container.decodeIfPresent(String.self, forKey: .marker)
            status = try? container.decodeIfPresent(String.self, forKey: .status)
            newContent = try? container.decodeIfPresent(NewContent.self, forKey: .newContent)
            relatesTo = try? container.decodeIfPresent(Relation.self, forKey: .relatesTo)
        }
    }

    /// An edit's `m.new_content`, read leniently like `ReadContent`.
    struct NewContent: Decodable {
        var body: String?
        var status: String?

        enum CodingKeys: String, CodingKey {
            case body
            case status = "dev.dormouse.status"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            body = try? container.decodeIfPresent(String.self, forKey: .body)
            status = try? container.decodeIfPresent(String.self, forKey: .status)
        }
    }

    /// A room event (`/messages` chunk, `/rooms/{roomId}/event/{eventId}`).
    struct Event: Decodable {
        var eventID: String
        var type: String
        var sender: String
        var originServerTS: Int64?
        var content: ReadContent?
        var unsigned: Unsigned?

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id"
            case type, sender, content, unsigned
            case originServerTS = "origin_server_ts"
        }

        /// Whether the event was redacted (its content is then empty).
        var isRedacted: Bool { unsigned?.redactedBecause != nil }
        /// The event an `m.replace` edit replaces, when this is one.
        var replaces: String? { content?.relatesTo?.relType == "m.replace" ? content?.relatesTo?.eventID : nil }
    }

    /// The server's annotations of an event; only the parts the poster reads.
    struct Unsigned: Decodable {
        var redactedBecause: Redaction?
        var relations: Relations?

        enum CodingKeys: String, CodingKey {
            case redactedBecause = "redacted_because"
            case relations = "m.relations"
        }
    }

    /// Present when an event was redacted.
    struct Redaction: Decodable {}

    /// Bundled aggregations: the latest edit of an event.
    struct Relations: Decodable {
        var replace: Replacement?

        enum CodingKeys: String, CodingKey { case replace = "m.replace" }
    }

    /// The latest edit, as bundled by the server (a whole event since Matrix 1.7).
    struct Replacement: Decodable {
        var eventID: String?
        var sender: String?
        var content: ReadContent?

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id"
            case sender, content
        }
    }

    /// `GET /rooms/{roomId}/messages`: `chunk` newest first (dir=b), `end` the token of the next page. An event
    /// that does not read as one (no id, sender or type) is left out rather than failing the page.
    struct MessagesPage: Decodable {
        var chunk: [Event]
        var end: String?

        enum CodingKeys: String, CodingKey { case chunk, end }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            chunk = try container.decode([Lenient<Event>].self, forKey: .chunk).compactMap(\.value)
            end = try container.decodeIfPresent(String.self, forKey: .end)
        }
    }

    /// A value that reads as nil instead of failing.
    struct Lenient<Value: Decodable>: Decodable {
        var value: Value?

        init(from decoder: any Decoder) throws { value = try? Value(from: decoder) }
    }

    /// `PUT /rooms/{roomId}/send/...`.
    struct SendResponse: Decodable {
        var eventID: String

        enum CodingKeys: String, CodingKey { case eventID = "event_id" }
    }

    /// `GET /directory/room/{roomAlias}`.
    struct AliasResponse: Decodable {
        var roomID: String

        enum CodingKeys: String, CodingKey { case roomID = "room_id" }
    }

    /// `GET /account/whoami`.
    struct WhoAmI: Decodable {
        var userID: String

        enum CodingKeys: String, CodingKey { case userID = "user_id" }
    }

    /// The standard error body, `{errcode, error, retry_after_ms?}`.
    struct ErrorBody: Decodable {
        var errcode: String?
        var retryAfterMS: Int64?

        enum CodingKeys: String, CodingKey {
            case errcode
            case retryAfterMS = "retry_after_ms"
        }

        static func decode(_ body: Data) -> ErrorBody? { try? JSONDecoder().decode(ErrorBody.self, from: body) }
    }
}
