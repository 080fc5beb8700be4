/// Turns an agent's audited transitions into spans, and spans into steps: pure, so every edge of a window is
/// tested without a database.
enum TimelineBuilder {
    /// The exact spans of an agent whose transitions are audited (a lazy container agent), clipped to the window
    /// and to the time since it was declared. `transitions` are oldest first and may hold one before the window
    /// (the state it opens in) and one after it; with none at all, the worker has been in `current` all along.
    static func spans(
        _ transitions: [TimelineEvent], window: TimelineWindow, createdAt: Int64, current: TimelineState
    ) -> [TimelineSpan] {
        let start = max(window.since, createdAt)
        guard start < window.until else { return [] }
        var spans: [TimelineSpan] = []
        var state = current
        var began: TimelineEvent?
        var from = start
        var rest = transitions[...]
        if let first = rest.first, let after = first.stateAfter, let before = first.stateBefore {
            if first.ts < start {
                state = after
                began = first
                rest = rest.dropFirst()
            } else {
                state = before
            }
        }
        func close(at end: Int64, ended: TimelineEvent?, open: Bool = false) {
            guard end > from else { return }
            spans.append(TimelineSpan(state: state, from: from, to: end, open: open, began: began, ended: ended))
        }
        for event in rest {
            guard let next = event.stateAfter else { continue }
            if event.ts >= window.until {
                close(at: window.until, ended: next == state ? nil : event)
                return spans
            }
            // A transition into the state the worker is already in (a start the audit shows twice) is no boundary.
            guard next != state else { continue }
            close(at: event.ts, ended: event)
            state = next
            began = event
            from = event.ts
        }
        close(at: window.until, ended: nil, open: window.until >= window.now)
        return spans
    }

    /// A hot agent's worker runs all the time it is declared.
    static func alwaysAwake(window: TimelineWindow, createdAt: Int64) -> [TimelineSpan] {
        let start = max(window.since, createdAt)
        guard start < window.until else { return [] }
        return [TimelineSpan(state: .awake, from: start, to: window.until, open: window.until >= window.now)]
    }

    /// Sums exact spans into steps of `step` ms from `window.since`: per step, the time awake and paused and the
    /// wakes begun in it. Steps before the agent was declared stay nil.
    static func steps(_ spans: [TimelineSpan], window: TimelineWindow, step: Int64) -> TimelineSteps {
        let count = Int((window.milliseconds + step - 1) / step)
        var steps = TimelineSteps(
            awakeMilliseconds: .init(repeating: nil, count: count),
            pausedMilliseconds: .init(repeating: nil, count: count),
            wakes: .init(repeating: nil, count: count))
        for span in spans {
            var index = Int((span.from - window.since) / step)
            while index < count {
                let stepFrom = window.since + Int64(index) * step
                guard stepFrom < span.to else { break }
                let overlap = min(span.to, stepFrom + step) - max(span.from, stepFrom)
                steps.awakeMilliseconds[index] =
                    (steps.awakeMilliseconds[index] ?? 0) + (span.state == .awake ? overlap : 0)
                steps.pausedMilliseconds[index] =
                    (steps.pausedMilliseconds[index] ?? 0) + (span.state == .paused ? overlap : 0)
                steps.wakes[index] = steps.wakes[index] ?? 0
                index += 1
            }
            if let began = span.began, began.wake != nil, began.ts >= window.since, began.ts < window.until {
                let index = Int((began.ts - window.since) / step)
                steps.wakes[index] = (steps.wakes[index] ?? 0) + 1
            }
        }
        return steps
    }

    /// The measured wakes among `transitions` that lie inside the window, oldest first.
    static func wakes(_ transitions: [TimelineEvent], window: TimelineWindow, agent: String) -> [TimelineWake] {
        transitions.compactMap { event in
            guard let kind = event.wake, let latency = event.latencyMilliseconds,
                event.ts >= window.since, event.ts < window.until
            else { return nil }
            return TimelineWake(agent: agent, ts: event.ts, latencyMilliseconds: latency, kind: kind)
        }
    }
}
