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
    /// Sessions whose chat route could not be followed (a chat no adapter serves, a target of the wrong form),
    /// each logged once; they went to the default channel when there is one.
    package var misroutedSessions: Int

    package init(
        status: String, activeSessions: Int, waitingSessions: Int, updatesSent: Int, updatesFailed: Int,
        queueDepth: Int, circuit: String, lastError: String?, misroutedSessions: Int = 0
    ) {
        self.status = status
        self.activeSessions = activeSessions
        self.waitingSessions = waitingSessions
        self.updatesSent = updatesSent
        self.updatesFailed = updatesFailed
        self.queueDepth = queueDepth
        self.circuit = circuit
        self.lastError = lastError
        self.misroutedSessions = misroutedSessions
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(String.self, forKey: .status)
        activeSessions = try container.decode(Int.self, forKey: .activeSessions)
        waitingSessions = try container.decode(Int.self, forKey: .waitingSessions)
        updatesSent = try container.decode(Int.self, forKey: .updatesSent)
        updatesFailed = try container.decode(Int.self, forKey: .updatesFailed)
        queueDepth = try container.decode(Int.self, forKey: .queueDepth)
        circuit = try container.decode(String.self, forKey: .circuit)
        lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
        misroutedSessions = try container.decodeIfPresent(Int.self, forKey: .misroutedSessions) ?? 0
    }

    /// The figures of several chats' relays as one: counts summed, `degraded` when any is, the worst circuit,
    /// and the first chat's last error that has one.
    package static func combining(_ parts: [RelayHealth]) -> RelayHealth {
        guard let first = parts.first, parts.count > 1 else {
            return parts.first
                ?? RelayHealth(
                    status: "ok", activeSessions: 0, waitingSessions: 0, updatesSent: 0, updatesFailed: 0,
                    queueDepth: 0, circuit: "closed", lastError: nil)
        }
        let circuits = ["open", "half_open", "closed"]
        return RelayHealth(
            status: parts.allSatisfy { $0.status == "ok" } ? "ok" : "degraded",
            activeSessions: parts.reduce(0) { $0 + $1.activeSessions },
            waitingSessions: parts.reduce(0) { $0 + $1.waitingSessions },
            updatesSent: parts.reduce(0) { $0 + $1.updatesSent },
            updatesFailed: parts.reduce(0) { $0 + $1.updatesFailed },
            queueDepth: parts.reduce(0) { $0 + $1.queueDepth },
            circuit: circuits.first { circuit in parts.contains { $0.circuit == circuit } } ?? first.circuit,
            lastError: parts.lazy.compactMap(\.lastError).first,
            misroutedSessions: parts.reduce(0) { $0 + $1.misroutedSessions })
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
        case misroutedSessions = "misrouted_sessions"
    }
}
