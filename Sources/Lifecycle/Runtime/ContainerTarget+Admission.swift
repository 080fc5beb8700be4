/// Which containers an agent may drive: never one that did not opt in, whoever names it.
extension ContainerTarget {
    /// Why `instance` may not drive the container `status` describes, or nil when it may. An operator's
    /// container must carry `dev.dormouse.enable=true` (or be one Dormouse created); a container Dormouse is to
    /// create must be the one it created for `instance`.
    package func refusal(of status: ContainerStatus, for instance: String) -> String? {
        refusal(name: status.name, labels: status.labels, for: instance)
    }

    /// Why `instance` may not drive the container named `name` with `labels`, or nil when it may.
    package func refusal(name: String, labels: [String: String], for instance: String) -> String? {
        switch self {
        case .existing:
            guard !ContainerLabels.allowsDriving(labels) else { return nil }
            return "container \(name) has not opted in: Dormouse drives an operator's container only when it"
                + " carries the label \(ContainerLabels.enable)=true"
        case .managed:
            guard !ContainerLabels.belongs(labels, to: instance) else { return nil }
            return "container \(name) exists but is not managed by Dormouse for agent \(instance)"
        }
    }
}
