import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Posts status messages to Mattermost over REST v4, through one shared `HTTPClient`.
///
/// A post carries its session's marker twice: in `props` (`dormouse_marker`, `dormouse_status`: invisible, not
/// searchable) and as a markdown reference definition on its last line (`[dormouse<marker>]: #`: not rendered, but
/// searchable), so it can be found again in the recent posts and, failing that, by a search. `ChatPost.message` is
/// the visible text, without that line. The token goes only into the `Authorization` header: it is never logged
/// and never part of an error.
package struct MattermostPoster: ChatPoster {
    /// The server's limit on a message, in runes (Unicode scalars): Mattermost's `PostMessageMaxRunesV2`.
    package static let serverMessageLimit = 16383

    package let maxMessageCharacters = MattermostPoster.serverMessageLimit - MattermostMarker.maxLineLength
    package let chat = "mattermost"

    let apiURL: String
    let token: String
    let httpClient: HTTPClient
    let logger: Logger
    let requestTimeout: Duration
    let directory = MattermostDirectory()

    /// `baseURL` like `https://chat.example.com`; `token` is a bot or personal access token (never logged).
    /// `requestTimeout` bounds each request, connect to last byte.
    package init(
        baseURL: String, token: String, httpClient: HTTPClient, logger: Logger, requestTimeout: Duration = .seconds(10)
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiURL = base + "/api/v4"
        self.token = token
        self.httpClient = httpClient
        self.logger = logger
        self.requestTimeout = requestTimeout
    }

    /// An HTTP client suited to the poster: connects are not retried inside the client (an unreachable server
    /// fails at once as `.network`; the relay owns retries) and connecting is bounded to 5 s.
    package static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    package func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        switch target {
        case .channel(let id):
            return id
        case .user(let userID):
            if let known = directory.directChannel(with: userID) { return known }
            let botUserID = try await self.botUserID()
            let channel: MattermostWire.Channel = try await send(
                .POST, "/channels/direct", json: [botUserID, userID], operation: .lookup)
            directory.setDirectChannel(channel.id, with: userID)
            return channel.id
        }
    }

    package func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        let body = MattermostWire.NewPost(
            channelID: channelID, message: MattermostMarker.message(message.text, marker: message.marker),
            rootID: rootID, props: Self.props(of: message), pendingPostID: pendingID)
        let post: MattermostWire.Post = try await send(.POST, "/posts", json: body, operation: .create)
        return post.chatPost
    }

    package func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        // Props that are sent replace the whole map, so the marker and status are always sent again.
        let body = MattermostWire.PostPatch(
            message: MattermostMarker.message(message.text, marker: message.marker), props: Self.props(of: message))
        let post: MattermostWire.Post = try await send(
            .PUT, "/posts/\(Self.escaped(postID))/patch", json: body, operation: .edit)
        return post.chatPost
    }

    package func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        let recent: MattermostWire.PostList = try await send(
            .GET, "/channels/\(Self.escaped(channelID))/posts?per_page=200", operation: .lookup)
        if let post = recent.newest(carrying: marker, in: channelID) { return post.chatPost }
        // Older than the 200 newest posts: the marker line's label is one searchable word.
        guard let teamID = try await searchTeam(for: channelID) else { return nil }
        let found: MattermostWire.PostList = try await send(
            .POST, "/teams/\(Self.escaped(teamID))/posts/search",
            json: MattermostWire.Search(terms: MattermostMarker.term(for: marker)), operation: .lookup)
        return found.newest(carrying: marker, in: channelID)?.chatPost
    }

    package func checkConnection() async throws(ChatError) {
        let user: MattermostWire.User = try await send(.GET, "/users/me", operation: .lookup)
        directory.botUserID = user.id
    }

    /// The bot's own user id, fetched once.
    func botUserID() async throws(ChatError) -> String {
        if let known = directory.botUserID { return known }
        let user: MattermostWire.User = try await send(.GET, "/users/me", operation: .lookup)
        directory.botUserID = user.id
        return user.id
    }

    /// The team whose search covers `channelID`: its own, or for a direct channel (no team) the bot's first team,
    /// since a team search also covers the user's direct channels. Nil when the bot is in no team.
    func searchTeam(for channelID: String) async throws(ChatError) -> String? {
        if let known = directory.searchTeam(for: channelID) { return known.isEmpty ? nil : known }
        let channel: MattermostWire.Channel = try await send(
            .GET, "/channels/\(Self.escaped(channelID))", operation: .lookup)
        var teamID = channel.teamID ?? ""
        if teamID.isEmpty {
            let teams: [MattermostWire.Team] = try await send(.GET, "/users/me/teams", operation: .lookup)
            teamID = teams.first?.id ?? ""
        }
        directory.setSearchTeam(teamID, for: channelID)
        return teamID.isEmpty ? nil : teamID
    }

    static func props(of message: ChatMessage) -> [String: String] {
        [MattermostWire.markerKey: message.marker, MattermostWire.statusKey: message.status]
    }

    /// An id as one path segment: Mattermost ids are alphanumeric, anything else is escaped rather than trusted.
    static func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: unreserved) ?? segment
    }

    /// RFC 3986 unreserved characters, ASCII only.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
}
