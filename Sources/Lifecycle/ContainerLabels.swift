/// The labels Dormouse puts on containers it creates; a container is Dormouse's only if they match.
public enum ContainerLabels {
    /// Names the agent (instance) that owns the container.
    public static let agent = "dev.dormouse.agent"
    /// Marks the container as created by Dormouse.
    public static let managed = "dev.dormouse.managed"

    /// The labels for a container created for `instance`.
    public static func forInstance(_ instance: String) -> [String: String] {
        [agent: instance, managed: "true"]
    }

    /// Whether `labels` say the container was created by Dormouse for `instance`.
    public static func belongs(_ labels: [String: String], to instance: String) -> Bool {
        labels[agent] == instance && labels[managed] == "true"
    }
}
