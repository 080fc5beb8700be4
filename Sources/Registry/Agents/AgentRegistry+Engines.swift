import Lifecycle

/// Which engine an agent runs on: a name it gives must be configured when it is declared, and an agent stored
/// earlier whose engine is no longer configured is kept but its dispatches are refused.
extension AgentRegistry {
    /// Refuses (`.invalid` on `engine`, naming the configured engines) an agent naming an unknown engine.
    /// A Kubernetes agent needs a configured cluster (`.invalid` on `kubernetes`).
    func checkEngine(of definition: AgentDefinition) throws {
        if definition.kubernetes != nil, engines.kubernetes == nil {
            throw RegistryError.invalid([
                .init(
                    field: "kubernetes",
                    message: "this server has no Kubernetes cluster configured (DORMOUSE_KUBERNETES=in-cluster or a"
                        + " kubeconfig path)")
            ])
        }
        guard let name = definition.engine, engines[name] == nil else { return }
        throw RegistryError.invalid([
            .init(
                field: "engine",
                message: "no engine named \"\(name)\" is configured; known engines: \(knownEngines)"
                    + " (DORMOUSE_ENGINES)")
        ])
    }

    /// The engine a container agent's tasks run on. Throws `.engineUnavailable` when the agent names an engine
    /// this server does not configure (any more), and `.conflict` for a Swarm agent on an engine that cannot run
    /// services; nil for a host-mode agent.
    func runnableEngine(of definition: AgentDefinition) throws -> EngineSet.Engine? {
        guard definition.mode == .container else { return nil }
        guard let engine = engines[definition.engine] else {
            throw RegistryError(
                .engineUnavailable,
                "agent \"\(definition.name)\" runs on engine \"\(definition.engine ?? EngineSet.localName)\", which "
                    + "is not configured on this server; known engines: \(knownEngines) (DORMOUSE_ENGINES)")
        }
        if definition.kubernetes != nil, engines.kubernetes == nil {
            throw RegistryError(
                .engineUnavailable,
                "agent \"\(definition.name)\" drives a Kubernetes Deployment, and this server has no cluster"
                    + " configured (DORMOUSE_KUBERNETES=in-cluster or a kubeconfig path)")
        }
        if definition.swarm != nil, engine.swarm == nil {
            throw RegistryError(
                .conflict,
                "agent \"\(definition.name)\" is a Swarm service agent, and engine \"\(engine.name)\" is not a Docker"
                    + " engine that can run services")
        }
        return engine
    }

    private var knownEngines: String { engines.names.joined(separator: ", ") }
}
