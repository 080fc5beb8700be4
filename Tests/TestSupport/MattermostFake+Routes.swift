import Foundation

/// The REST v4 routes the fake answers, and its users, teams and channels. What each answers follows the server
/// source (server/channels/api4/*.go, app/*.go): the status codes, the AppError ids and the JSON field names.
extension MattermostFake.State {
    typealias Reply = MattermostFake.Reply
    typealias Handler =
        @Sendable (inout Self, _ ids: [String], _ request: MattermostFake.RecordedRequest, _ now: Date)
        -> Reply

    /// Method, path under `/api/v4` (`:` is an id), handler.
    static let routes: [(method: String, path: String, handler: Handler)] = [
        ("POST", "posts", { state, _, request, now in state.createPost(request.json, at: now) }),
        ("GET", "posts/:", { state, ids, _, _ in state.getPost(ids[0]) }),
        ("DELETE", "posts/:", { state, ids, _, now in state.deletePost(ids[0], at: now) }),
        ("PUT", "posts/:/patch", { state, ids, request, now in state.patchPost(ids[0], request.json, at: now) }),
        ("GET", "channels/:/posts", { state, ids, request, _ in state.channelPosts(ids[0], query: request.query) }),
        ("POST", "channels/direct", { state, _, request, _ in state.createDirectChannel(request.json) }),
        ("GET", "channels/:", { state, ids, _, _ in state.getChannel(ids[0]) }),
        ("GET", "users/me", { state, _, _, _ in state.me() }),
        ("GET", "users/me/teams", { state, _, _, _ in state.myTeams() }),
        ("POST", "teams/:/posts/search", { state, ids, request, _ in state.search(teamID: ids[0], request.json) }),
    ]

    mutating func route(_ request: MattermostFake.RecordedRequest, at now: Date) -> Reply {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count > 2, parts[0] == "api", parts[1] == "v4" else {
            return .appError(status: 404, id: "api.context.404.app_error")
        }
        let path = Array(parts.dropFirst(2))
        for route in Self.routes where route.method == request.method {
            if let ids = Self.match(path, route.path) { return route.handler(&self, ids, request, now) }
        }
        return .appError(status: 404, id: "api.context.404.app_error")
    }

    /// The ids in `path` where `pattern` has `:`, or nil when the path is not the pattern's.
    static func match(_ path: [String], _ pattern: String) -> [String]? {
        let expected = pattern.split(separator: "/")
        guard expected.count == path.count else { return nil }
        var ids: [String] = []
        for (want, got) in zip(expected, path) {
            if want == ":" {
                ids.append(got)
            } else if want != got {
                return nil
            }
        }
        return ids
    }

    /// The members of a query string, percent-decoded.
    static func queryItems(_ query: String) -> [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            items[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return items
    }

    // MARK: Users, teams, channels

    /// `GET /users/me`.
    func me() -> Reply {
        guard let bot = users[botUserID] else {
            return .appError(status: 401, id: "api.context.session_expired.app_error")
        }
        return .json(
            200,
            .object([
                "id": .string(bot.id), "username": .string(bot.username), "is_bot": .bool(bot.isBot),
                "email": .string("\(bot.username)@example.invalid"), "roles": "system_user", "locale": "en",
                "create_at": .int(0), "update_at": .int(0), "delete_at": .int(0),
            ]))
    }

    /// `GET /users/me/teams`: the teams the bot is in.
    func myTeams() -> Reply {
        let list = botTeams.compactMap { teams[$0] }.map { team -> MattermostFakeJSON in
            .object([
                "id": .string(team.id), "name": .string(team.name), "display_name": .string(team.name), "type": "O",
                "create_at": .int(0), "update_at": .int(0), "delete_at": .int(0),
            ])
        }
        return .json(200, .array(list))
    }

    /// `GET /channels/{id}`: 404 when unknown, 403 when the bot is not a member.
    func getChannel(_ id: String) -> Reply {
        guard let channel = channels[id] else {
            return .appError(status: 404, id: "app.channel.get.existing.app_error")
        }
        guard channel.members.contains(botUserID) else {
            return .appError(status: 403, id: "api.context.permissions.app_error")
        }
        return .json(200, Self.json(channel))
    }

    /// `POST /channels/direct` with `[user_id, user_id]`, one of them the bot: 201 and the channel, which is
    /// created on the first call and the same afterwards (api4/channel.go, `createDirectChannel`).
    mutating func createDirectChannel(_ body: MattermostFakeJSON?) -> Reply {
        let ids = body?.arrayValue?.compactMap(\.stringValue) ?? []
        guard ids.count == 2, ids.allSatisfy(MattermostFake.isValidID) else {
            return .appError(status: 400, id: "api.context.invalid_param.app_error")
        }
        guard ids.contains(botUserID) else { return .appError(status: 403, id: "api.context.permissions.app_error") }
        guard ids.allSatisfy({ users[$0] != nil }) else {
            return .appError(status: 400, id: "api.channel.create_direct_channel.invalid_user.app_error")
        }
        let members = Set(ids)
        if let existing = channels.values.first(where: { $0.type == "D" && $0.members == members }) {
            return .json(201, Self.json(existing))
        }
        let id = addChannel(teamID: "", name: ids.sorted().joined(separator: "__"), type: "D", members: members)
        return .json(201, Self.json(channels[id]!))
    }

    static func json(_ channel: Channel) -> MattermostFakeJSON {
        .object([
            "id": .string(channel.id), "team_id": .string(channel.teamID), "type": .string(channel.type),
            "name": .string(channel.name), "display_name": .string(channel.type == "D" ? "" : channel.name),
            "header": "", "purpose": "", "creator_id": "", "create_at": .int(0), "update_at": .int(0),
            "delete_at": .int(0), "last_post_at": .int(0), "total_msg_count": .int(0),
        ])
    }
}
