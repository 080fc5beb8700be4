/// One audited lifecycle event as the timeline reads it: the measurements are pulled out of its detail in SQL.
package struct TimelineEvent: Sendable, Hashable {
    package var id: Int64
    package var type: String
    /// Epoch milliseconds.
    package var ts: Int64
    package var latencyMilliseconds: Double?
    package var idleSeconds: Double?
    package var trigger: String?
    /// The worker's memory just before it was stopped, where the engine reported it.
    package var memoryBytes: Double?
    package var error: String?

    package init(
        id: Int64, type: String, ts: Int64, latencyMilliseconds: Double? = nil, idleSeconds: Double? = nil,
        trigger: String? = nil, memoryBytes: Double? = nil, error: String? = nil
    ) {
        self.id = id
        self.type = type
        self.ts = ts
        self.latencyMilliseconds = latencyMilliseconds
        self.idleSeconds = idleSeconds
        self.trigger = trigger
        self.memoryBytes = memoryBytes
        self.error = error
    }

    /// The four events that change what the worker is doing; the failures leave it as it was.
    package static let transitionTypes = ["lazy_start", "lazy_stop", "lazy_pause", "lazy_resume"]

    /// What the worker is after this event, for the four transitions.
    var stateAfter: TimelineState? {
        switch type {
        case "lazy_start", "lazy_resume": .awake
        case "lazy_stop": .asleep
        case "lazy_pause": .paused
        default: nil
        }
    }

    /// What the worker was before this event, guessed when nothing earlier is known (history pruned, or an agent
    /// whose container was already running): a stop or pause ends an awake span (a stop from paused cannot be
    /// told apart), a resume a paused one, a start a sleeping one.
    var stateBefore: TimelineState? {
        switch type {
        case "lazy_start": .asleep
        case "lazy_stop", "lazy_pause": .awake
        case "lazy_resume": .paused
        default: nil
        }
    }

    /// A wake measured by the lifecycle: a cold start or a thaw with its latency, not one a reconcile recorded
    /// (those only correct the state, with no measurement).
    var wake: TimelineWake.Kind? {
        guard latencyMilliseconds != nil, trigger != "reconcile" else { return nil }
        return switch type {
        case "lazy_start": .cold
        case "lazy_resume": .warm
        default: nil
        }
    }
}

/// What a worker is doing over a span of time.
package enum TimelineState: String, Sendable, Hashable, Comparable {
    case asleep, paused, awake

    /// The more awake state wins when a step holds several.
    private var rank: Int {
        switch self {
        case .asleep: 0
        case .paused: 1
        case .awake: 2
        }
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
