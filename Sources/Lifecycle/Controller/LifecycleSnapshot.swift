/// A reading of an instance's lifecycle for status pages and the API.
package struct LifecycleSnapshot: Sendable, Hashable {
    package var phase: InstanceStateMachine.Phase
    package var inFlight: Int
    package var waiting: Int
    /// The engine's id of the worker (container id, service id), once known.
    package var workerID: String?
}
