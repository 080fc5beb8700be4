/// What an operator stop did.
package enum StopOutcome: Sendable, Hashable {
    /// The container was running and is now stopped.
    case stopped
    /// The container was not running.
    case alreadyStopped
    /// Tasks hold or await leases (`inFlight` of them); nothing was stopped.
    case busy(inFlight: Int)
}
