/// How a lease was granted.
package enum AcquireOutcome: Sendable, Hashable {
    /// The container was already running.
    case warm
    /// The caller waited for a start; `wake` is that start's latency (shared by every caller that waited).
    case cold(wake: Duration)
    /// The caller waited for a paused container to be thawed; `wake` is that resume's latency.
    case resumed(wake: Duration)

    /// Whether this dispatch waited for a cold start.
    package var isColdStart: Bool {
        if case .cold = self { return true }
        return false
    }

    /// How long this dispatch waited for its worker to wake (a start or a resume); nil when it was running.
    package var wake: Duration? {
        switch self {
        case .warm: nil
        case .cold(let wake), .resumed(let wake): wake
        }
    }
}
