/// Thrown by `waitUntil` when its condition did not hold within the limit.
package struct WaitTimedOut: Error, CustomStringConvertible {
    package let limit: Duration
    package var description: String { "condition not reached within \(limit)" }
}
