/// The labels on services Dormouse creates, and the one an operator puts on a service of theirs to let Dormouse
/// scale it; Dormouse scales no other service. The keys are the containers' (`ContainerLabels`).
package enum SwarmServiceLabels {
    /// The labels `create` puts on a service made from `spec` (and on its containers): owner, managed, fingerprint.
    package static func forService(_ spec: SwarmServiceSpec) -> [String: String] {
        [ContainerLabels.agent: spec.agent, ContainerLabels.managed: "true", ContainerLabels.spec: spec.fingerprint]
    }

    /// Whether `labels` say the service was created by Dormouse for `instance`.
    package static func belongs(_ labels: [String: String], to instance: String) -> Bool {
        ContainerLabels.belongs(labels, to: instance)
    }

    /// Whether the service was created from `spec` as it is now.
    package static func isCurrent(_ labels: [String: String], for spec: SwarmServiceSpec) -> Bool {
        labels[ContainerLabels.spec] == spec.fingerprint
    }
}
