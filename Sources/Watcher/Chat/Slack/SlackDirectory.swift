import Synchronization

/// What a Slack poster remembers for its lifetime: direct conversations per user, and creates whose outcome is
/// unknown (the request may have posted the message before it failed).
final class SlackDirectory: Sendable {
    /// Where an unconfirmed create went.
    struct Unconfirmed: Equatable {
        var channel: String
        var threadTS: String?
    }

    private struct State {
        var directChannels: [String: String] = [:]
        var unconfirmed: [String: Unconfirmed] = [:]
        var unconfirmedOrder: [String] = []
    }

    /// Unconfirmed creates remembered at once; older ones are forgotten (each box has at most one).
    static let unconfirmedLimit = 256

    private let state = Mutex(State())

    func directChannel(with userID: String) -> String? { state.withLock { $0.directChannels[userID] } }

    func setDirectChannel(_ channelID: String, with userID: String) {
        state.withLock { $0.directChannels[userID] = channelID }
    }

    /// Where the create with `pendingID` went, when its last attempt failed without a clear answer.
    func unconfirmed(_ pendingID: String) -> Unconfirmed? { state.withLock { $0.unconfirmed[pendingID] } }

    func setUnconfirmed(_ pendingID: String, _ value: Unconfirmed) {
        state.withLock { state in
            if state.unconfirmed.updateValue(value, forKey: pendingID) == nil {
                state.unconfirmedOrder.append(pendingID)
            }
            while state.unconfirmedOrder.count > Self.unconfirmedLimit {
                state.unconfirmed[state.unconfirmedOrder.removeFirst()] = nil
            }
        }
    }

    func confirm(_ pendingID: String) {
        state.withLock { state in
            guard state.unconfirmed.removeValue(forKey: pendingID) != nil else { return }
            state.unconfirmedOrder.removeAll { $0 == pendingID }
        }
    }
}
