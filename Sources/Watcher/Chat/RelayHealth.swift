/// What `GET /health` reports about the chat relay.
public struct RelayHealth: Sendable, Equatable, Codable {
    /// `ok`, or `degraded` while the circuit is not closed or the last request failed.
    public var status: String
    /// Sessions that hold a status box.
    public var activeSessions: Int
    /// Sessions waiting for a box because `MAX_ACTIVE_SESSIONS` are taken.
    public var waitingSessions: Int
    /// Creates and edits that succeeded.
    public var updatesSent: Int
    /// Creates and edits that failed (each failed attempt counts).
    public var updatesFailed: Int
    /// Boxes with text not yet delivered.
    public var queueDepth: Int
    /// `closed`, `open` or `half_open`.
    public var circuit: String
    /// The last failure's description, if any.
    public var lastError: String?

    public init(
        status: String, activeSessions: Int, waitingSessions: Int, updatesSent: Int, updatesFailed: Int,
        queueDepth: Int, circuit: String, lastError: String?
    ) {
        self.status = status
        self.activeSessions = activeSessions
        self.waitingSessions = waitingSessions
        self.updatesSent = updatesSent
        self.updatesFailed = updatesFailed
        self.queueDepth = queueDepth
        self.circuit = circuit
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case status
        case activeSessions = "active_sessions"
        case waitingSessions = "waiting_sessions"
        case updatesSent = "updates_sent"
        case updatesFailed = "updates_failed"
        case queueDepth = "queue_depth"
        case circuit
        case lastError = "last_error"
    }
}
