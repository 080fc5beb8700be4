/// What `GET /health` reports about the chat relay.
package struct RelayHealth: Sendable, Equatable, Codable {
    /// `ok`, or `degraded` while the circuit is not closed or the last request failed.
    package var status: String
    /// Sessions that hold a status box.
    package var activeSessions: Int
    /// Sessions waiting for a box because `MAX_ACTIVE_SESSIONS` are taken.
    package var waitingSessions: Int
    /// Creates and edits that succeeded.
    package var updatesSent: Int
    /// Creates and edits that failed (each failed attempt counts).
    package var updatesFailed: Int
    /// Boxes with text not yet delivered.
    package var queueDepth: Int
    /// `closed`, `open` or `half_open`.
    package var circuit: String
    /// The last failure's description, if any.
    package var lastError: String?

    package init(
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
