/// A reading of an instance's lifecycle for status pages and the API.
package struct LifecycleSnapshot: Sendable, Hashable {
    package var phase: InstanceStateMachine.Phase
    package var inFlight: Int
    package var waiting: Int
    package var containerID: String?
}
