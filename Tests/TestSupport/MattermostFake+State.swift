import Foundation

extension MattermostFake {
    /// A post as the fake stores it, with what tests inspect: its earlier messages and how often it was written.
    package struct Post: Sendable, Equatable {
        package var id: String
        package var channelID: String
        package var userID: String
        package var rootID: String
        package var message: String
        package var props: [String: MattermostFakeJSON]
        package var pendingPostID: String
        /// Milliseconds since 1970, like every Mattermost timestamp; `editAt` and `deleteAt` are 0 until then.
        package var createAt: Int64
        package var updateAt: Int64
        package var editAt: Int64
        package var deleteAt: Int64
        /// Earlier messages, oldest first: one per edit that changed the message.
        package var history: [String]
        /// Create requests answered with this post: 1, plus one per retry deduplicated by `pending_post_id`.
        package var creates: Int
        /// Successful patch requests.
        package var edits: Int
        /// Creation order, which breaks ties between posts of the same millisecond.
        var sequence: Int

        package var isDeleted: Bool { deleteAt != 0 }
    }

    /// One request the fake received.
    package struct RecordedRequest: Sendable {
        package var method: String
        package var path: String
        /// The query string without `?`; "" when there is none.
        package var query: String
        package var authorization: String?
        package var time: Date
        package var body: Data
        /// The status answered; 0 while the request is in progress and when the connection was dropped.
        package var status: Int

        package var bodyText: String { String(decoding: body, as: UTF8.self) }
        package var json: MattermostFakeJSON? { MattermostFakeJSON.parse(body) }
    }

    /// What the fake holds, changed only under its lock by one request or test call at a time.
    struct State {
        /// A user; the bot owns the token.
        struct User {
            var id: String
            var username: String
            var isBot: Bool
        }

        /// A team.
        struct Team {
            var id: String
            var name: String
        }

        /// A channel; direct channels (`D`) have no team.
        struct Channel {
            var id: String
            var teamID: String
            var name: String
            var type: String
            var members: Set<String>
        }

        var clockOffset: TimeInterval = 0
        var botUserID = ""
        var users: [String: User] = [:]
        var teams: [String: Team] = [:]
        var botTeams: [String] = []
        var channels: [String: Channel] = [:]
        var posts: [String: Post] = [:]
        var nextSequence = 0
        /// `pending_post_id` → the post it created and when the server forgets it (app/post.go: 30 s).
        var pendingPosts: [String: (postID: String, expiresAt: Date)] = [:]
        var requests: [RecordedRequest] = []
        var configuration = Configuration()
        var faults: [(filter: RequestFilter, fault: Fault)] = []
        var outage: Fault?
        var bucket: (tokens: Double, at: Date)?
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var expiredWaiters: Set<Int> = []

        mutating func addUser(username: String, isBot: Bool) -> String {
            let id = MattermostFake.newID()
            users[id] = User(id: id, username: username, isBot: isBot)
            return id
        }

        mutating func addTeam(name: String, botIsMember: Bool) -> String {
            let id = MattermostFake.newID()
            teams[id] = Team(id: id, name: name)
            if botIsMember { botTeams.append(id) }
            return id
        }

        mutating func addChannel(teamID: String, name: String, type: String, members: Set<String>) -> String {
            let id = MattermostFake.newID()
            channels[id] = Channel(id: id, teamID: teamID, name: name, type: type, members: members)
            return id
        }

        mutating func insertPost(
            channelID: String, userID: String, rootID: String, message: String, props: [String: MattermostFakeJSON],
            pendingPostID: String, at now: Date
        ) -> Post {
            nextSequence += 1
            let millis = MattermostFake.millis(now)
            let post = Post(
                id: MattermostFake.newID(), channelID: channelID, userID: userID, rootID: rootID, message: message,
                props: props, pendingPostID: pendingPostID, createAt: millis, updateAt: millis, editAt: 0, deleteAt: 0,
                history: [], creates: 1, edits: 0, sequence: nextSequence)
            posts[post.id] = post
            return post
        }

        /// The live posts of a channel, newest first.
        func livePosts(in channelID: String) -> [Post] {
            posts.values.filter { $0.channelID == channelID && !$0.isDeleted }.sorted(by: MattermostFake.newestFirst)
        }
    }

    /// Settings a test may change at any time.
    struct Configuration {
        /// `ServiceSettings.PostEditTimeLimit` in seconds; nil is -1 (no limit).
        var editTimeLimit: Int?
        /// The longest message in runes (`PostMessageMaxRunesV2`).
        var messageLimit = 16383
        /// How long a `pending_post_id` is remembered (`pendingPostIDsCacheTTL`).
        var pendingPostWindow: TimeInterval = 30
        var rateLimit: RateLimit?
    }

    static func newestFirst(_ lhs: Post, _ rhs: Post) -> Bool {
        (lhs.createAt, lhs.sequence) > (rhs.createAt, rhs.sequence)
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The 32 letters of Mattermost's base32 ids (model/utils.go `encoding`).
    private static let idAlphabet = Array("ybndrfg8ejkmcpqxot1uwisza345h769")

    /// A new id like Mattermost's `model.NewId()`: 16 random bytes in base32, 26 characters, no padding.
    static func newID() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(idAlphabet[(buffer >> bits) & 31])
            }
        }
        if bits > 0 { output.append(idAlphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// Whether `id` has the shape of a Mattermost id (`model.IsValidId`): 26 lowercase letters or digits.
    static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 26 && id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }
}
