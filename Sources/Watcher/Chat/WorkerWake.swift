import Foundation

/// A Dormouse-managed worker that was woken (a `lazy_start`, or a `lazy_resume` from paused), so a session
/// running on it can show the wake.
package struct WorkerWake: Sendable, Equatable {
    /// How the worker woke.
    package enum Kind: Sendable, Equatable {
        /// A cold start: the container was stopped.
        case start
        /// A thaw: the container was paused (the warm tier), its memory kept.
        case resume
    }

    /// The Dormouse instance (agent) name; matched against a session's agent id.
    package var instance: String
    package var latency: Duration
    /// When the wake happened (wall clock).
    package var at: Date
    package var kind: Kind

    package init(instance: String, latency: Duration, at: Date, kind: Kind = .start) {
        self.instance = instance
        self.latency = latency
        self.at = at
        self.kind = kind
    }

    /// The note a session's chat post shows: "woke in 312 ms" after a cold start, "woke from pause in 18 ms"
    /// after a resume.
    package var note: String {
        let milliseconds = Int(latency / .milliseconds(1))
        return switch kind {
        case .start: "woke in \(milliseconds) ms"
        case .resume: "woke from pause in \(milliseconds) ms"
        }
    }
}
