/// A stretch of time in one state, with the events that began and ended it (either may lie outside the window the
/// span is clipped to).
package struct TimelineSpan: Sendable, Hashable {
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
}
