/// Thrown by `waitUntil` when its condition did not hold within the limit.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "condition not reached within \(limit)" }
}
