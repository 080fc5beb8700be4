/// Which Swarm service an agent drives: an operator's, named, or one Dormouse creates.
package enum SwarmServiceTarget: Sendable, Hashable {
    /// An operator's service (`"swarm": {"service": NAME}`); Dormouse only scales it, and only when it carries
    /// `dev.dormouse.enable=true`.
    case existing(service: String)
    /// A service Dormouse creates with zero replicas and removes with the agent.
    case managed(SwarmServiceSpec)

    /// The service name used to find it on the manager.
    package var serviceName: String {
        switch self {
        case .existing(let service): service
        case .managed(let spec): spec.name
        }
    }

    /// Why `instance` may not scale `service`, or nil when it may. An operator's service must carry
    /// `dev.dormouse.enable=true` (or be one Dormouse created); a service Dormouse is to create must be the one
    /// it created for `instance`; either must be replicated (a global service has no replica count).
    package func refusal(of service: SwarmService, for instance: String) -> String? {
        switch self {
        case .existing:
            guard ContainerLabels.allowsDriving(service.labels) else {
                return "service \(service.name) has not opted in: Dormouse scales an operator's service only when it"
                    + " carries the label \(ContainerLabels.enable)=true"
            }
        case .managed:
            guard SwarmServiceLabels.belongs(service.labels, to: instance) else {
                return "service \(service.name) exists but is not managed by Dormouse for agent \(instance)"
            }
        }
        return service.replicas == nil ? service.notScalable.message : nil
    }
}
