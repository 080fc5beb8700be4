/// A stretch of time in one state, with the events that began and ended it (either may lie outside the window the
/// span is clipped to).
package struct TimelineSpan: Sendable, Hashable, Encodable {
    package var state: TimelineState
    package var from: Int64
    package var to: Int64
    /// Still going on: the last span of a window that reaches now.
    package var open = false
    package var began: TimelineEvent?
    package var ended: TimelineEvent?

    package init(
        state: TimelineState, from: Int64, to: Int64, open: Bool = false, began: TimelineEvent? = nil,
        ended: TimelineEvent? = nil
    ) {
        self.state = state
        self.from = from
        self.to = to
        self.open = open
        self.began = began
        self.ended = ended
    }

    enum CodingKeys: String, CodingKey {
        case state, from, to, open, began, ended
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        if open { try container.encode(true, forKey: .open) }
        try container.encode(began.map(EventJSON.init), forKey: .began)
        try container.encode(ended.map(EventJSON.init), forKey: .ended)
    }

    /// An event as a span shows it: its type and time, and the measurement and cause it carries.
    private struct EventJSON: Encodable {
        var event: TimelineEvent

        init(_ event: TimelineEvent) { self.event = event }

        enum CodingKeys: String, CodingKey {
            case type, ts, trigger
            case latencyMilliseconds = "latency_ms"
            case idleSeconds = "idle_seconds"
            case memoryBytes = "memory_bytes"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(event.type, forKey: .type)
            try container.encode(event.ts, forKey: .ts)
            try container.encodeIfPresent(event.trigger, forKey: .trigger)
            try container.encodeIfPresent(event.latencyMilliseconds, forKey: .latencyMilliseconds)
            try container.encodeIfPresent(event.idleSeconds, forKey: .idleSeconds)
            try container.encodeIfPresent(event.memoryBytes, forKey: .memoryBytes)
        }
    }
}
