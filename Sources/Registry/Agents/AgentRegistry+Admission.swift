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
}
