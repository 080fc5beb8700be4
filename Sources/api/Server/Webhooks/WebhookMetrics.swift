import Synchronization

/// Webhook delivery counters since the server started, by webhook id and result, for `GET /metrics`
/// (`dormouse_webhook_deliveries_total{webhook,result}`).
final class WebhookMetrics: Sendable {
    /// What became of one event or attempt.
    enum Result: String, Sendable, CaseIterable {
        /// An attempt answered 2xx.
        case delivered
        /// An attempt that failed (an error, a timeout, another status); the event is retried.
        case failed
        /// An event pruned from the audit log before it was delivered.
        case skipped
    }

    private let counts = Mutex<[String: [Result: Int]]>([:])

    func count(_ webhook: String, _ result: Result, by amount: Int = 1) {
        counts.withLock { $0[webhook, default: [:]][result, default: 0] += amount }
    }

    /// Drops a deleted webhook's counts, so its series leave `/metrics`.
    func forget(_ webhook: String) {
        _ = counts.withLock { $0.removeValue(forKey: webhook) }
    }

    /// Every webhook's counts, by id.
    var snapshot: [String: [Result: Int]] { counts.withLock { $0 } }
}
