import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Posts status messages to a Matrix room over the client-server API v3, through one shared `HTTPClient`.
///
/// A post is an `m.notice` event (plain `body` and HTML `formatted_body`) carrying its session's marker and status
/// in custom content fields (`dev.dormouse.marker`, `dev.dormouse.status`); an edit is an `m.replace` event whose
/// `m.new_content` repeats them. A post id is `<room id>/<original event id>` (`MatrixPostID`). The token goes only
/// into the `Authorization` header: it is never logged and never part of an error.
package struct MatrixPoster: ChatPoster {
    package let chat = "matrix"
    package let maxMessageCharacters = MatrixText.maxCharacters

    let clientURL: String
    let token: String
    let httpClient: HTTPClient
    let logger: Logger
    let requestTimeout: Duration
    let directory = MatrixDirectory()

    /// `homeserverURL` like `https://matrix.example.com`; `accessToken` the bot's (never logged). `requestTimeout`
    /// bounds each request, connect to last byte.
    package init(
        homeserverURL: String, accessToken: String, httpClient: HTTPClient, logger: Logger,
        requestTimeout: Duration = .seconds(10)
    ) {
        var base = homeserverURL
        while base.hasSuffix("/") { base.removeLast() }
        self.clientURL = base + "/_matrix/client/v3"
        self.token = accessToken
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

    /// `room:<!id>` or `room:<#alias:server>`. Room ids have no server part from room version 12 on (`!` and a
    /// hash: Synapse 1.163 makes those by default), so only an alias needs one.
    package func target(routeTo to: String) -> ChatDestination.Target? {
        guard to.hasPrefix("room:") else { return nil }
        let room = String(to.dropFirst(5))
        if room.hasPrefix("!"), room.count > 1 { return .channel(room) }
        if room.hasPrefix("#"), room.dropFirst().split(separator: ":").count == 2 { return .channel(room) }
        return nil
    }

    package func checkConnection() async throws(ChatError) {
        let me: MatrixWire.WhoAmI = try await send(.GET, "/account/whoami", operation: .lookup)
        directory.userID = me.userID
    }

    /// A room id as is; an alias resolved through the room directory once. Direct messages are not supported.
    package func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        guard case .channel(let room) = target else {
            throw ChatError.rejected(status: 400, detail: "matrix posts only to rooms: route to room:<!id or #alias>")
        }
        guard room.hasPrefix("#") else { return room }
        if let known = directory.room(forAlias: room) { return known }
        let found: MatrixWire.AliasResponse = try await send(
            .GET, "/directory/room/\(Self.escaped(room))", operation: .lookup)
        directory.setRoom(found.roomID, forAlias: room)
        return found.roomID
    }

    /// The transaction id is the relay's `pendingID`, so a retried create returns the event sent first (Synapse
    /// keeps a transaction per access token for about 30 minutes).
    package func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        let thread = rootID.map { MatrixPostID($0)?.eventID ?? $0 }
        let content = MatrixWire.MessageContent(message, thread: thread)
        let sent: MatrixWire.SendResponse = try await send(
            .PUT, "/rooms/\(Self.escaped(channelID))/send/m.room.message/\(Self.escaped("dormouse." + pendingID))",
            json: content, operation: .create)
        return post(MatrixPostID(roomID: channelID, eventID: sent.eventID), message)
    }

    /// Synapse accepts an `m.replace` of a redacted or unknown event (and clients then show nothing), so the
    /// original is read first: gone or redacted is `.postMissing`. Each edit has a fresh transaction id: the same
    /// text may legitimately be sent again later, and a cached transaction would then silently drop it.
    package func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        guard let id = MatrixPostID(postID) else {
            throw ChatError.postMissing(status: 404, detail: "not a matrix post id")
        }
        let original: MatrixWire.Event = try await send(
            .GET, "/rooms/\(Self.escaped(id.roomID))/event/\(Self.escaped(id.eventID))", operation: .edit)
        guard !original.isRedacted, original.content?.body != nil else {
            throw ChatError.postMissing(status: 200, detail: "redacted")
        }
        let content = MatrixWire.EditContent(message, replacing: id.eventID)
        let _: MatrixWire.SendResponse = try await send(
            .PUT,
            "/rooms/\(Self.escaped(id.roomID))/send/m.room.message/\(Self.escaped("dormouse." + UUID().uuidString))",
            json: content, operation: .edit)
        return post(id, message)
    }

    func post(_ id: MatrixPostID, _ message: ChatMessage) -> ChatPost {
        ChatPost(
            id: id.text, channelID: id.roomID, message: message.text, marker: message.marker, status: message.status)
    }

    /// A path segment: room ids, aliases and event ids carry `!`, `#`, `$` and `:`, all escaped.
    static func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: unreserved) ?? segment
    }

    /// RFC 3986 unreserved characters, ASCII only.
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
}
