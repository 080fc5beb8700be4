/// The labels Dormouse puts on containers it creates; a container is Dormouse's only if they match.
public enum ContainerLabels {
    /// Names the agent (instance) that owns the container.
    public static let agent = "dev.dormouse.agent"
    /// Marks the container as created by Dormouse.
    public static let managed = "dev.dormouse.managed"
    /// The fingerprint of the definition the container was created from (`ContainerSpec.fingerprint`).
    public static let spec = "dev.dormouse.spec"

    /// The labels for a container created for `instance` from `spec`.
    public static func forInstance(_ instance: String, spec: ContainerSpec) -> [String: String] {
        [agent: instance, managed: "true", self.spec: spec.fingerprint]
    }

    /// Whether `labels` say the container was created by Dormouse for `instance`.
    public static func belongs(_ labels: [String: String], to instance: String) -> Bool {
        labels[agent] == instance && labels[managed] == "true"
    }

    /// Whether a container with `labels` was created from `spec` as it is now; one created before the
    /// definition changed (or before the label existed) is stale and is replaced when it next starts.
    public static func isCurrent(_ labels: [String: String], for spec: ContainerSpec) -> Bool {
        labels[self.spec] == spec.fingerprint
    }
}
