/// One service event from the engine's event stream (`type=service`; a manager emits them).
package struct SwarmServiceEvent: Sendable, Hashable {
    /// What happened to the service; the lifecycle reacts to scales and removals.
    package enum Action: Sendable, Hashable {
        case create
        /// Any change of the spec. A scale carries the old and new replica counts (the engine's `replicas.old`
        /// and `replicas.new`); other changes carry nil.
        case update(oldReplicas: Int?, newReplicas: Int?)
        case remove
        case other(String)
    }

    package var serviceID: String
    package var serviceName: String?
    package var action: Action
    /// Engine time in nanoseconds since the Unix epoch.
    package var time: ContainerEvent.Timestamp

    package init(serviceID: String, serviceName: String?, action: Action, time: ContainerEvent.Timestamp) {
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.action = action
        self.time = time
    }
}
