/// What the fleet's workers did over a window, from the audit log: `GET /timeline` and
/// `GET /agents/{name}/timeline` (`jsonBytes` is its JSON form).
package struct Timeline: Sendable {
    package var since: Int64
    package var until: Int64
    package var now: Int64
    package var stepMilliseconds: Int64?
    package var agents: [AgentTimeline]
    package var fleet: Summary

    /// Wakes and time shares summed over agents.
    package struct Summary: Sendable {
        package var wakes: TimelineWakes
        package var time: TimelineShares
    }
}

/// One agent's spans (or steps), failures, wakes and time shares in the window.
package struct AgentTimeline: Sendable {
    package var name: String
    package var mode: String
    package var lifecycle: String?
    package var createdAt: Int64
    /// The lifecycle state now (`stopped`, `running`, `paused`, …); nil for hot and host-mode agents.
    package var state: String?
    /// The exact spans, oldest first; nil for a stepped timeline.
    package var spans: [TimelineSpan]?
    /// The steps of a stepped timeline (`step_ms`); nil otherwise.
    package var steps: TimelineSteps?
    package var failures: [TimelineFailure]
    package var wakes: TimelineWakes
    package var time: TimelineShares
}

/// A failed transition in the window.
package struct TimelineFailure: Sendable, Hashable {
    package var type: String
    package var ts: Int64
    package var error: String?
}
