import Synchronization

/// What a poster learnt about the server and keeps for its lifetime: the bot's user id, direct channels per user,
/// and the team a channel's search runs in. Every value is idempotent to fetch, so a race only costs a request.
final class MattermostDirectory: Sendable {
    /// The cached values.
    private struct State {
        var botUserID: String?
        var directChannels: [String: String] = [:]
        /// Channel id → team id for its search; "" means "no team to search in".
        var searchTeams: [String: String] = [:]
    }

    private let state = Mutex(State())

    var botUserID: String? {
        get { state.withLock { $0.botUserID } }
        set { state.withLock { $0.botUserID = newValue } }
    }

    func directChannel(with userID: String) -> String? { state.withLock { $0.directChannels[userID] } }

    func setDirectChannel(_ channelID: String, with userID: String) {
        state.withLock { $0.directChannels[userID] = channelID }
    }

    func searchTeam(for channelID: String) -> String? { state.withLock { $0.searchTeams[channelID] } }

    func setSearchTeam(_ teamID: String, for channelID: String) {
        state.withLock { $0.searchTeams[channelID] = teamID }
    }
}
