/// A timeline summed into equal steps from the window's start, for long windows of many agents: per step, the time
/// awake and paused and the wakes begun in it; nil where the agent was not declared yet.
package struct TimelineSteps: Sendable, Hashable {
    package var awakeMilliseconds: [Int64?]
    package var pausedMilliseconds: [Int64?]
    package var wakes: [Int?]
}
