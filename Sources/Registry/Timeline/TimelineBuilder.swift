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

    /// Coarsens exact spans to steps of `step` ms from `window.since`: each step takes the most awake state in it,
    /// and runs of steps in one state become one span that counts the wakes begun in it and the exact time awake
    /// and paused. Steps before the agent was declared are left out.
    static func stepped(_ spans: [TimelineSpan], window: TimelineWindow, step: Int64) -> [TimelineSpan] {
        let count = Int((window.milliseconds + step - 1) / step)
        var states = [TimelineState?](repeating: nil, count: count)
        var cells = [TimelineSpan.Stepped](repeating: .init(), count: count)
        for span in spans {
            var index = Int((span.from - window.since) / step)
            while index < count {
                let cellFrom = window.since + Int64(index) * step
                guard cellFrom < span.to else { break }
                let overlap = min(span.to, cellFrom + step) - max(span.from, cellFrom)
                states[index] = max(states[index] ?? span.state, span.state)
                switch span.state {
                case .awake: cells[index].awakeMilliseconds += overlap
                case .paused: cells[index].pausedMilliseconds += overlap
                case .asleep: break
                }
                index += 1
            }
            if let began = span.began, began.wake != nil, began.ts >= window.since, began.ts < window.until {
                cells[Int((began.ts - window.since) / step)].wakes += 1
            }
        }
        var result: [TimelineSpan] = []
        for index in 0..<count {
            guard let state = states[index] else { continue }
            let cellFrom = window.since + Int64(index) * step
            let cellTo = min(cellFrom + step, window.until)
            if let last = result.last, last.state == state, last.to == cellFrom, var merged = last.stepped {
                merged.wakes += cells[index].wakes
                merged.awakeMilliseconds += cells[index].awakeMilliseconds
                merged.pausedMilliseconds += cells[index].pausedMilliseconds
                result[result.count - 1].to = cellTo
                result[result.count - 1].stepped = merged
            } else {
                result.append(TimelineSpan(state: state, from: cellFrom, to: cellTo, stepped: cells[index]))
            }
        }
        if spans.last?.open == true, !result.isEmpty { result[result.count - 1].open = true }
        return result
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
