/// How a lease was granted.
package enum AcquireOutcome: Sendable, Hashable {
    /// The container was already running.
    case warm
    /// The caller waited for a start; `wake` is that start's latency (shared by every caller that waited).
    case cold(wake: Duration)

    /// Whether this dispatch waited for a cold start.
    package var isColdStart: Bool {
        if case .cold = self { return true }
        return false
    }
}
