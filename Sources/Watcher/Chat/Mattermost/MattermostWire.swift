import Foundation

/// The JSON shapes of Mattermost REST v4 that the poster sends and reads; decoding ignores every other field.
enum MattermostWire {
    /// The props keys the poster owns.
    static let markerKey = "dormouse_marker"
    static let statusKey = "dormouse_status"

    /// `POST /api/v4/posts`.
    struct NewPost: Encodable {
        var channelID: String
        var message: String
        var rootID: String?
        var props: [String: String]
        var pendingPostID: String

        enum CodingKeys: String, CodingKey {
            case channelID = "channel_id"
            case message
            case rootID = "root_id"
            case props
            case pendingPostID = "pending_post_id"
        }
    }

    /// `PUT /api/v4/posts/{id}/patch`: the props sent replace the whole map.
    struct PostPatch: Encodable {
        var message: String
        var props: [String: String]
    }

    /// `POST /api/v4/teams/{team_id}/posts/search`.
    struct Search: Encodable {
        var terms: String
        var isOrSearch = false
        var perPage = 60

        enum CodingKeys: String, CodingKey {
            case terms
            case isOrSearch = "is_or_search"
            case perPage = "per_page"
        }
    }

    /// A post; `props` keeps only its string values.
    struct Post: Decodable {
        var id: String
        var channelID: String
        var message: String
        var createAt: Int64?
        var deleteAt: Int64?
        var props: StringProps?

        enum CodingKeys: String, CodingKey {
            case id
            case channelID = "channel_id"
            case message
            case createAt = "create_at"
            case deleteAt = "delete_at"
            case props
        }
    }

    /// A post list (channel posts, search results): `order` is newest first.
    struct PostList: Decodable {
        var order: [String]?
        var posts: [String: Post]?
    }

    /// A user (`GET /api/v4/users/me`).
    struct User: Decodable {
        var id: String
    }

    /// A channel (`GET /api/v4/channels/{id}`, `POST /api/v4/channels/direct`); direct channels have no team.
    struct Channel: Decodable {
        var id: String
        var teamID: String?

        enum CodingKeys: String, CodingKey {
            case id
            case teamID = "team_id"
        }
    }

    /// A team (`GET /api/v4/users/me/teams`).
    struct Team: Decodable {
        var id: String
    }

    /// The error body of every failed API call: `{id, message, detailed_error, request_id, status_code}`.
    struct AppError: Decodable {
        var id: String

        /// The error id in a response body, or nil when the body is not an AppError (a proxy page, plain text).
        static func id(in body: Data) -> String? {
            guard let error = try? JSONDecoder().decode(AppError.self, from: body), !error.id.isEmpty else {
                return nil
            }
            return error.id
        }
    }

    /// A props object reduced to its string members; other values (objects, numbers) are skipped, not rejected.
    struct StringProps: Decodable {
        var values: [String: String] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            for key in container.allKeys {
                if let value = try? container.decode(String.self, forKey: key) { values[key.stringValue] = value }
            }
        }

        subscript(key: String) -> String? { values[key] }
    }

    /// A coding key for objects whose keys are not known in advance.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}

extension MattermostWire.Post {
    /// The post as the poster's callers see it: the visible text, and the marker from props or the marker line.
    var chatPost: ChatPost {
        let (text, term) = MattermostMarker.split(message)
        let marker =
            props?[MattermostWire.markerKey] ?? term.map { String($0.dropFirst(MattermostMarker.prefix.count)) }
        return ChatPost(
            id: id, channelID: channelID, message: text, marker: marker, status: props?[MattermostWire.statusKey])
    }

    /// Whether the post carries `marker`: in its props, or (when its props have no marker) in its marker line.
    func carries(_ marker: String) -> Bool {
        if let stored = props?[MattermostWire.markerKey] { return stored == marker }
        return MattermostMarker.split(message).term == MattermostMarker.term(for: marker)
    }
}

extension MattermostWire.PostList {
    /// The newest live post of `channelID` carrying `marker`.
    func newest(carrying marker: String, in channelID: String) -> MattermostWire.Post? {
        let posts = posts ?? [:]
        let ordered =
            order?.compactMap { posts[$0] } ?? posts.values.sorted { ($0.createAt ?? 0) > ($1.createAt ?? 0) }
        return ordered.first { $0.channelID == channelID && ($0.deleteAt ?? 0) == 0 && $0.carries(marker) }
    }
}
