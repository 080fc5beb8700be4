/// Where one relay posts a session: its destination on the relay's chat, why its route could not be followed, or
/// that the session belongs to another chat's relay.
struct ChatRouting: Sendable, Equatable {
    /// Nil when there is nowhere to post (no usable route and no default).
    var destination: ChatDestination?
    /// Why the session's route was not followed, for one log line; nil when it was (or there was none).
    var problem: String?
    /// The route names a chat another relay serves.
    var elsewhere = false
}
