/// The labels Dormouse puts on containers it creates, and the one an operator puts on a container of theirs
/// to let Dormouse drive it; Dormouse drives no other container.
package enum ContainerLabels {
    /// An operator's container opts in to being started, stopped and exec'd into with `dev.dormouse.enable=true`.
    package static let enable = "dev.dormouse.enable"
    /// Names the agent (instance) that owns the container.
    package static let agent = "dev.dormouse.agent"
    /// Marks the container as created by Dormouse.
    package static let managed = "dev.dormouse.managed"
    /// The fingerprint of the definition the container was created from (`ContainerSpec.fingerprint`).
    package static let spec = "dev.dormouse.spec"

    /// The labels for a container created for `instance` from `spec`.
    package static func forInstance(_ instance: String, spec: ContainerSpec) -> [String: String] {
        [agent: instance, managed: "true", self.spec: spec.fingerprint]
    }

    /// Whether `labels` say the container was created by Dormouse for `instance`.
    package static func belongs(_ labels: [String: String], to instance: String) -> Bool {
        labels[agent] == instance && labels[managed] == "true"
    }

    /// Whether an agent that names an existing container may drive one with `labels`: the operator opted it in,
    /// or Dormouse created it.
    package static func allowsDriving(_ labels: [String: String]) -> Bool {
        labels[enable] == "true" || labels[managed] == "true"
    }

    /// Whether a container with `labels` was created from `spec` as it is now; one created before the
    /// definition changed (or before the label existed) is stale and is replaced when it next starts.
    package static func isCurrent(_ labels: [String: String], for spec: ContainerSpec) -> Bool {
        labels[self.spec] == spec.fingerprint
    }
}
