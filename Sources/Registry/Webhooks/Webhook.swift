/// A webhook as stored: where lifecycle events are POSTed, the secret that signs them, which ones it wants,
/// and how far its delivery has got.
package struct Webhook: Sendable, Hashable {
    package var id: String
    package var url: String
    /// Signs every delivery; never returned by the API nor logged.
    package var secret: String
    /// Broadcast type names (`container.lazy_started`, ...); nil for every type.
    package var types: [String]?
    /// Agent names; nil for every instance.
    package var instances: [String]?
    /// Epoch milliseconds.
    package var createdAt: Int64
    package var delivery: Delivery

    /// How far delivery has got and how it went.
    package struct Delivery: Sendable, Hashable {
        /// The id of the last audit row this webhook is done with (delivered, filtered out or pruned).
        package var cursor: Int64
        /// Failed attempts since the last success.
        package var consecutiveFailures = 0
        /// Set after `failing_after` consecutive failures, cleared by the next success.
        package var failing = false
        package var lastError: String?
        /// Epoch milliseconds.
        package var lastAttemptAt: Int64?
        package var lastSuccessAt: Int64?
        /// Events delivered, failed attempts, and events pruned from the audit log before they were delivered.
        package var delivered: Int64 = 0
        package var failed: Int64 = 0
        package var skipped: Int64 = 0

        package init(cursor: Int64) {
            self.cursor = cursor
        }
    }

    package init(
        id: String, url: String, secret: String, types: [String]?, instances: [String]?, createdAt: Int64,
        delivery: Delivery
    ) {
        self.id = id
        self.url = url
        self.secret = secret
        self.types = types
        self.instances = instances
        self.createdAt = createdAt
        self.delivery = delivery
    }

    /// Whether the webhook wants the audit row of `instance` with broadcast type `broadcastType`.
    package func wants(instance: String, broadcastType: String) -> Bool {
        (types?.contains(broadcastType) ?? true) && (instances?.contains(instance) ?? true)
    }

    /// The last four characters of the secret, to tell secrets apart without showing them.
    package var secretHint: String { String(secret.suffix(4)) }
}
