/// What `GET /info` says of the engine's place in a swarm.
struct SwarmNodeInfo: Sendable, Hashable {
    /// The node's id in its swarm, when it is in one.
    var nodeID: String? = nil
    /// `inactive`, `pending`, `active`, `error` or `locked`.
    var localNodeState: String
    /// Whether this node is a manager (it answers service calls).
    var controlAvailable: Bool

    var isManager: Bool { localNodeState == "active" && controlAvailable }

    /// Why service calls would fail on this engine, or nil when it is a manager.
    var refusal: String? {
        if isManager { return nil }
        if localNodeState == "active" { return "this engine is a swarm worker; service calls need a manager" }
        return "this engine is not a swarm manager (swarm state \(localNodeState)); service calls need a manager"
    }
}
