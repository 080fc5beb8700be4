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
        if let refusal = refusal(name: service.name, labels: service.labels, for: instance) { return refusal }
        return service.replicas == nil ? service.notScalable.message : nil
    }

    /// Why `instance` may not scale the service named `name` with `labels` (its labels alone), or nil.
    package func refusal(name: String, labels: [String: String], for instance: String) -> String? {
        switch self {
        case .existing:
            guard !ContainerLabels.allowsDriving(labels) else { return nil }
            return "service \(name) has not opted in: Dormouse scales an operator's service only when it"
                + " carries the label \(ContainerLabels.enable)=true"
        case .managed:
            guard !SwarmServiceLabels.belongs(labels, to: instance) else { return nil }
            return "service \(name) exists but is not managed by Dormouse for agent \(instance)"
        }
    }
}
