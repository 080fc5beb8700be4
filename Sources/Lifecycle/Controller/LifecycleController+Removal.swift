import Logging

/// Removing the worker Dormouse created, when its agent goes away or is given another worker.
extension LifecycleController {
    /// Removes the worker this instance created (killing it if it runs) and reports whether there was one to
    /// remove. An operator's worker and one under the name that lacks this agent's label are never touched.
    /// Call after `shutdown()`.
    @discardableResult
    package func removeManagedContainer() async throws -> Bool {
        guard let removed = try await backend.removeCreated(for: instance) else { return false }
        workerID = nil
        logger.info("worker removed", metadata: ["worker.id": "\(removed)"])
        return true
    }
}
