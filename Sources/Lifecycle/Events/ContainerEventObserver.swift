/// Receives the engine events of one instance's container from `ContainerEventMonitor`.
package protocol ContainerEventObserver: AnyObject, Sendable {
    /// An event for a container this observer matches (by id or name).
    func containerEvent(_ event: ContainerEvent) async
    /// The event stream was re-established after a gap: events may have been lost, so re-read the state.
    func engineReconnected() async
}
