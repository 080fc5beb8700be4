/// A reading of an instance's lifecycle for status pages and the API.
public struct LifecycleSnapshot: Sendable, Hashable {
    public var phase: InstanceStateMachine.Phase
    public var inFlight: Int
    public var waiting: Int
    public var containerID: String?
}
