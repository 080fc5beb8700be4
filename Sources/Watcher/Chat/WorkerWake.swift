import Foundation

/// A Dormouse-managed worker that was woken (a `lazy_start`), so a session running on it can show the wake.
package struct WorkerWake: Sendable, Equatable {
    /// The Dormouse instance (agent) name; matched against a session's agent id.
    package var instance: String
    package var latency: Duration
    /// When the wake happened (wall clock).
    package var at: Date

    package init(instance: String, latency: Duration, at: Date) {
        self.instance = instance
        self.latency = latency
        self.at = at
    }
}
