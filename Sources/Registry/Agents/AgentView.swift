import Lifecycle

/// An agent as the API shows it: its definition, when it was declared and changed, and its live state
/// (`jsonText` is its JSON form).
package struct AgentView: Sendable, Hashable {
    package var agent: StoredAgent
    /// The state machine's phase; nil for hot and host-mode agents.
    package var lifecycleState: InstanceStateMachine.Phase?
    /// Counters and last event; nil for hot and host-mode agents.
    package var lifecycleMetrics: InstanceMetrics?
    package var inFlight: Int
    package var queued: Int
}
