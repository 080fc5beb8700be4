/// What the fleet's workers did over a window, from the audit log: `GET /timeline` and
/// `GET /agents/{name}/timeline`.
package struct Timeline: Sendable, Encodable {
    package var since: Int64
    package var until: Int64
    package var now: Int64
    package var stepMilliseconds: Int64?
    package var agents: [AgentTimeline]
    package var fleet: Summary

    /// Wakes and time shares summed over agents.
    package struct Summary: Sendable, Encodable {
        package var wakes: TimelineWakes
        package var time: TimelineShares
    }

    enum CodingKeys: String, CodingKey {
        case since, until, now, agents, fleet
        case stepMilliseconds = "step_ms"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(since, forKey: .since)
        try container.encode(until, forKey: .until)
        try container.encode(now, forKey: .now)
        try container.encode(stepMilliseconds, forKey: .stepMilliseconds)
        try container.encode(agents, forKey: .agents)
        try container.encode(fleet, forKey: .fleet)
    }
}

/// One agent's spans, failures, wakes and time shares in the window.
package struct AgentTimeline: Sendable, Encodable {
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

    enum CodingKeys: String, CodingKey {
        case name, mode, lifecycle, state, spans, steps, failures, wakes, time
        case createdAt = "created_at"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(mode, forKey: .mode)
        try container.encode(lifecycle, forKey: .lifecycle)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(spans, forKey: .spans)
        try container.encodeIfPresent(steps, forKey: .steps)
        try container.encode(failures, forKey: .failures)
        try container.encode(wakes, forKey: .wakes)
        try container.encode(time, forKey: .time)
    }
}

/// A failed transition in the window.
package struct TimelineFailure: Sendable, Hashable, Encodable {
    package var type: String
    package var ts: Int64
    package var error: String?
}
