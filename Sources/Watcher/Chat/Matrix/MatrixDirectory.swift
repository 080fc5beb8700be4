import Synchronization

/// What a poster learnt about the homeserver and keeps for its lifetime: the bot's user id and the room ids of
/// aliases. Every value is idempotent to fetch, so a race only costs a request.
final class MatrixDirectory: Sendable {
    /// The cached values.
    private struct State {
        var userID: String?
        var rooms: [String: String] = [:]
    }

    private let state = Mutex(State())

    var userID: String? {
        get { state.withLock { $0.userID } }
        set { state.withLock { $0.userID = newValue } }
    }

    func room(forAlias alias: String) -> String? { state.withLock { $0.rooms[alias] } }

    func setRoom(_ roomID: String, forAlias alias: String) { state.withLock { $0.rooms[alias] = roomID } }
}
