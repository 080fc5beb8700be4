import Lifecycle

/// The Swarm service a swarm agent drives, and what makes two definitions drive the same worker.
extension AgentDefinition {
    /// The service of a container-mode agent with a `swarm` block: an operator's service by name, or one Dormouse
    /// creates from the image (named `dormouse-<agent>`, restarted by Swarm when its task fails: see
    /// `SwarmServiceSpec.restartsOnFailure` for why never `none`).
    package var swarmTarget: SwarmServiceTarget? {
        guard mode == .container, let swarm else { return nil }
        if let service = swarm.service { return .existing(service: service) }
        guard let image = swarm.image else { return nil }
        return .managed(
            SwarmServiceSpec(
                name: "dormouse-\(name)", agent: name, image: image, command: swarm.command,
                environment: swarm.env ?? [:], restartsOnFailure: true))
    }

    /// Whether `other` names the same worker on the same engine (container or service, as created).
    package func drivesTheSameWorker(as other: AgentDefinition) -> Bool {
        target == other.target && swarm == other.swarm && kubernetes == other.kubernetes && engine == other.engine
    }
}
