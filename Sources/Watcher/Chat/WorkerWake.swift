import Foundation

/// A Dormouse-managed worker that was woken (a `lazy_start`), so a session running on it can show the wake.
public struct WorkerWake: Sendable, Equatable {
    /// The Dormouse instance (agent) name; matched against a session's agent id.
    public var instance: String
    public var latency: Duration
    /// When the wake happened (wall clock).
    public var at: Date

    public init(instance: String, latency: Duration, at: Date) {
        self.instance = instance
        self.latency = latency
        self.at = at
    }
}
