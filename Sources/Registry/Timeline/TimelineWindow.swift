/// The time a timeline covers, `[since, until)` in epoch milliseconds, and optionally the step its spans are
/// coarsened to.
package struct TimelineWindow: Sendable, Hashable {
    package var since: Int64
    package var until: Int64
    /// The server's time when the timeline was read: a span still going on at `until >= now` is open.
    package var now: Int64
    package var stepMilliseconds: Int64?

    /// The longest window served (the audit table keeps 90 days by default).
    package static let maximumMilliseconds: Int64 = 31 * 86_400_000
    /// The most steps a stepped timeline has.
    package static let maximumSteps: Int64 = 5_000

    package init(since: Int64, until: Int64, now: Int64, stepMilliseconds: Int64? = nil) {
        self.since = since
        self.until = until
        self.now = now
        self.stepMilliseconds = stepMilliseconds
    }

    var milliseconds: Int64 { until - since }
}

extension TimelineWindow {
    /// A request's parameter that cannot make a window, and why.
    package struct Invalid: Error, Sendable, Equatable {
        package var parameter: String
        package var message: String
    }

    /// The window a request asks for: `until` defaults to now and `since` to an hour before it; the window must be
    /// at most 31 days long and, with a step, have at most 5,000 steps.
    package static func requested(since: Int64?, until: Int64?, step: Int64?, now: Int64) throws(Invalid)
        -> TimelineWindow
    {
        let until = until ?? now
        let since = since ?? until - 3_600_000
        guard since < until else { throw Invalid(parameter: "since", message: "must be before until") }
        guard until - since <= maximumMilliseconds else {
            throw Invalid(parameter: "since", message: "the window may be at most 31 days (2678400000 ms)")
        }
        if let step, (until - since + step - 1) / step > maximumSteps {
            throw Invalid(parameter: "step_ms", message: "the window may have at most \(maximumSteps) steps")
        }
        return TimelineWindow(since: since, until: until, now: now, stepMilliseconds: step)
    }
}
