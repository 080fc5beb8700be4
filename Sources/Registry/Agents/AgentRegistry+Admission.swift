import Lifecycle
import Logging

/// Which containers an agent may drive, checked when it is declared (the controller checks again at every
/// start, so a container created or relabelled later is judged then).
extension AgentRegistry {
    /// Refuses (`.invalid` on `container.name`, with the reason) a container agent whose container exists and
    /// may not be driven by it: an operator's container without `dev.dormouse.enable=true`, or a container under
    /// the name Dormouse is to create that is not the one it created for this agent. A container that does not
    /// exist yet, or an engine that cannot say, is accepted: the start checks.
    func checkContainerAdmission(of definition: AgentDefinition) async throws {
        if definition.swarmTarget != nil { return try await checkServiceAdmission(of: definition) }
        guard let target = definition.target, let engine = engines[definition.engine] else { return }
        let status: ContainerStatus
        do {
            status = try await engine.runtime.inspect(target.containerName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            return
        } catch {
            logger.info(
                "container not checked at declaration; it will be at its start",
                metadata: ["agent.name": "\(definition.name)", "error": "\(error)"])
            return
        }
        if let refusal = target.refusal(of: status, for: definition.name) {
            throw RegistryError.invalid([.init(field: "container.name", message: refusal)])
        }
    }

    /// Refuses (`.invalid` on `swarm.service`, with the reason) a Swarm agent whose engine is not a swarm manager,
    /// whose operator service does not exist, or whose service may not be scaled by it (not opted in, not
    /// replicated, or under the name Dormouse is to create but not its own). An engine that cannot say is
    /// accepted: the start checks.
    private func checkServiceAdmission(of definition: AgentDefinition) async throws {
        guard let target = definition.swarmTarget, let services = engines[definition.engine]?.swarm?.services else {
            return
        }
        let field = definition.swarm?.service == nil ? "swarm.image" : "swarm.service"
        do {
            try await services.requireManager()
            let service = try await services.inspect(target.serviceName)
            if let refusal = target.refusal(of: service, for: definition.name) {
                throw RegistryError.invalid([.init(field: field, message: refusal)])
            }
        } catch let error as ContainerRuntimeError where error.isNotFound {
            guard case .existing(let name) = target else { return }
            throw RegistryError.invalid([
                .init(field: field, message: "no service named \(name) on the engine: \(error.message)")
            ])
        } catch let error as ContainerRuntimeError where error.isEngineUnavailable {
            logger.info(
                "service not checked at declaration; it will be at its start",
                metadata: ["agent.name": "\(definition.name)", "error": "\(error)"])
        } catch let error as ContainerRuntimeError {
            throw RegistryError.invalid([.init(field: field, message: error.message)])
        }
    }
}
