import Registry

/// A webhook as the API shows it: never the secret (only its last four characters), with its delivery state
/// and how many audit ids it is behind the newest.
struct WebhookView: Encodable {
    let webhook: Webhook
    /// The newest audit id when the webhook was read.
    let newestEventID: Int64

    enum CodingKeys: String, CodingKey {
        case id, url, types, instances, state, cursor, lag, delivered, failed, skipped
        case secretHint = "secret_hint"
        case createdAt = "created_at"
        case consecutiveFailures = "consecutive_failures"
        case lastError = "last_error"
        case lastAttemptAt = "last_attempt_at"
        case lastSuccessAt = "last_success_at"
    }

    /// `{"webhooks": [...]}`.
    struct List: Encodable {
        var webhooks: [WebhookView]
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let delivery = webhook.delivery
        try container.encode(webhook.id, forKey: .id)
        try container.encode(webhook.url, forKey: .url)
        try container.encode(webhook.types, forKey: .types)
        try container.encode(webhook.instances, forKey: .instances)
        try container.encode("…" + webhook.secretHint, forKey: .secretHint)
        try container.encode(webhook.createdAt, forKey: .createdAt)
        try container.encode(delivery.failing ? "failing" : "ok", forKey: .state)
        try container.encode(delivery.cursor, forKey: .cursor)
        try container.encode(max(0, newestEventID - delivery.cursor), forKey: .lag)
        try container.encode(delivery.consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(delivery.lastAttemptAt, forKey: .lastAttemptAt)
        try container.encode(delivery.lastSuccessAt, forKey: .lastSuccessAt)
        try container.encode(delivery.delivered, forKey: .delivered)
        try container.encode(delivery.failed, forKey: .failed)
        try container.encode(delivery.skipped, forKey: .skipped)
    }
}
