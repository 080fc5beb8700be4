/// A timeline summed into equal steps from the window's start, for long windows of many agents: per step, the time
/// awake and paused and the wakes begun in it; nil where the agent was not declared yet.
package struct TimelineSteps: Sendable, Hashable, Encodable {
    package var awakeMilliseconds: [Int64?]
    package var pausedMilliseconds: [Int64?]
    package var wakes: [Int?]

    enum CodingKeys: String, CodingKey {
        case wakes
        case awakeSeconds = "awake_s"
        case pausedSeconds = "paused_s"
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(awakeMilliseconds.map { $0.map { Double($0) / 1000 } }, forKey: .awakeSeconds)
        try container.encode(pausedMilliseconds.map { $0.map { Double($0) / 1000 } }, forKey: .pausedSeconds)
        try container.encode(wakes, forKey: .wakes)
    }
}
