/// Exponential backoff with jitter: attempt n waits between half and all of `base · 2ⁿ⁻¹`, capped at `max`.
struct RetryBackoff: Sendable {
    let base: Duration
    let max: Duration
    /// A number in [0, 1); injected so tests can pin the jitter.
    let random: @Sendable () -> Double

    /// The delay before retry number `attempt` (1 for the first retry).
    func delay(attempt: Int) -> Duration {
        let exponent = Swift.min(Swift.max(attempt - 1, 0), 30)
        let full = Swift.min(base * (1 << exponent), max)
        let fraction = Swift.min(Swift.max(random(), 0), 1)
        return full / 2 + full / 2 * fraction
    }
}
