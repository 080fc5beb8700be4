/// How webhooks are delivered: the per-request timeout, when a webhook counts as failing, and the retry backoff.
package struct WebhookSettings: Sendable {
    /// `DORMOUSE_WEBHOOK_TIMEOUT_S`: one delivery attempt, from connecting to the end of the answer.
    package var timeout: Duration = .seconds(10)
    /// `DORMOUSE_WEBHOOK_FAILING_AFTER`: consecutive failed attempts after which a webhook is marked failing.
    package var failingAfter = 5
    /// The first retry waits `backoffBase`; each further failure doubles the ceiling, up to `backoffCap`.
    package var backoffBase: Duration = .seconds(1)
    package var backoffCap: Duration = .seconds(300)
    /// Audit rows read at a time.
    package var batchSize = 100
    /// A number in [0, 1) for the jitter of each retry (tests pin it).
    package var jitter: @Sendable () -> Double = { Double.random(in: 0..<1) }

    package init() {}

    /// The wait before the next attempt after `failures` consecutive failures (≥ 1): "full jitter", a random
    /// share of the ceiling `min(cap, base · 2^(failures − 1))`, never less than `base`.
    func retryDelay(afterFailures failures: Int) -> Duration {
        let doublings = min(max(failures - 1, 0), 30)
        let ceiling = min(backoffCap, backoffBase * (1 << doublings))
        let unit = min(max(jitter(), 0), 1)
        return max(backoffBase, ceiling * unit)
    }
}
