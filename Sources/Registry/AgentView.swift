import Lifecycle

/// An agent as the API shows it: its definition, when it was declared and changed, and its live state
/// (`jsonText` is its JSON form).
public struct AgentView: Sendable, Hashable {
    public var agent: StoredAgent
    /// The state machine's phase; nil for hot and host-mode agents.
    public var lifecycleState: InstanceStateMachine.Phase?
    /// Counters and last event; nil for hot and host-mode agents.
    public var lifecycleMetrics: InstanceMetrics?
    public var inFlight: Int
    public var queued: Int
}
