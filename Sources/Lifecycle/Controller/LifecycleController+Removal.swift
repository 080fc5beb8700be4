import Logging

/// Removing the container Dormouse created, when its agent goes away or is given another container.
extension LifecycleController {
    /// Removes the container this instance created from an image (killing it if it runs) and reports whether
    /// there was one to remove. An operator's container (`.existing`) and a container under the name that
    /// lacks this agent's label are never touched. Call after `shutdown()`.
    @discardableResult
    package func removeManagedContainer() async throws -> Bool {
        guard case .managed = target else { return false }
        let status: ContainerStatus
        do {
            status = try await runtime.inspect(target.containerName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            return false
        }
        guard isOurs(status) else { return false }
        try await runtime.remove(status.id, force: true)
        containerID = nil
        logger.info("container removed", metadata: ["container.id": "\(status.id)"])
        return true
    }
}
