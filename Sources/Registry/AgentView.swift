import Lifecycle

/// An agent as the API shows it: its definition, when it was declared and changed, and its live state.
public struct AgentView: Sendable, Hashable, Encodable {
    public var agent: StoredAgent
    /// The state machine's phase; nil for hot and host-mode agents.
    public var lifecycleState: InstanceStateMachine.Phase?
    /// Counters and last event; nil for hot and host-mode agents.
    public var lifecycleMetrics: InstanceMetrics?
    public var inFlight: Int
    public var queued: Int

    enum CodingKeys: String, CodingKey {
        case state
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    enum StateKeys: String, CodingKey {
        case lifecycleState = "lifecycle_state"
        case lifecycleMetrics = "lifecycle_metrics"
        case inFlight = "in_flight"
        case queued
    }

    public func encode(to encoder: any Encoder) throws {
        try agent.definition.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agent.createdAt, forKey: .createdAt)
        try container.encode(agent.updatedAt, forKey: .updatedAt)
        var state = container.nestedContainer(keyedBy: StateKeys.self, forKey: .state)
        try state.encode(lifecycleState?.rawValue, forKey: .lifecycleState)
        try state.encode(lifecycleMetrics, forKey: .lifecycleMetrics)
        try state.encode(inFlight, forKey: .inFlight)
        try state.encode(queued, forKey: .queued)
    }
}
