/// One task of a Swarm service: a slot's attempt to run a container on a node. Every scale-up makes new tasks
/// (and new containers); old ones stay listed, shut down, until Swarm's task history drops them.
package struct SwarmTask: Sendable, Hashable {
    /// A task state as the engine names it (`running`, `shutdown`, `failed`, ...).
    package struct State: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        package var rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }

        package static let new = State(rawValue: "new")
        package static let pending = State(rawValue: "pending")
        package static let assigned = State(rawValue: "assigned")
        package static let preparing = State(rawValue: "preparing")
        package static let starting = State(rawValue: "starting")
        /// The container runs and, when it has a HEALTHCHECK, has passed it: Swarm holds a task in `starting`
        /// until then.
        package static let running = State(rawValue: "running")
        package static let complete = State(rawValue: "complete")
        package static let shutdown = State(rawValue: "shutdown")
        package static let failed = State(rawValue: "failed")
        package static let rejected = State(rawValue: "rejected")

        package var description: String { rawValue }
    }

    package var id: String
    package var serviceID: String
    /// The replica slot (1...replicas); nil for a global service's tasks.
    package var slot: Int?
    package var state: State
    /// What Swarm wants the task to be: `running`, or `shutdown` once the service was scaled down.
    package var desiredState: State
    /// The task's container, once the node has created it.
    package var containerID: String?
    /// The node the task was placed on, once scheduled.
    package var nodeID: String?
    /// Why the task failed or was rejected (`Status.Err`), else nil.
    package var error: String?
    /// `Status.Message` (`started`, `preparing`, ...).
    package var message: String?
    /// Engine times in nanoseconds since the Unix epoch: created, last updated, and of the last state change.
    package var createdAt: ContainerEvent.Timestamp?
    package var updatedAt: ContainerEvent.Timestamp?
    package var stateChangedAt: ContainerEvent.Timestamp?

    package init(
        id: String, serviceID: String, slot: Int?, state: State, desiredState: State, containerID: String? = nil,
        nodeID: String? = nil, error: String? = nil, message: String? = nil,
        createdAt: ContainerEvent.Timestamp? = nil, updatedAt: ContainerEvent.Timestamp? = nil,
        stateChangedAt: ContainerEvent.Timestamp? = nil
    ) {
        self.id = id
        self.serviceID = serviceID
        self.slot = slot
        self.state = state
        self.desiredState = desiredState
        self.containerID = containerID
        self.nodeID = nodeID
        self.error = error
        self.message = message
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.stateChangedAt = stateChangedAt
    }

    /// Running and meant to keep running (a task being shut down still reports `running` for a moment).
    package var isRunning: Bool { state == .running && desiredState == .running }
}
