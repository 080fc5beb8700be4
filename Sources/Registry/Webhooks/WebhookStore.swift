import Foundation
import GRDB

/// The `webhooks` table: definitions, secrets and each one's delivery cursor and state. Delivery writes its
/// progress here after every attempt, so a restart resumes where it stopped.
package struct WebhookStore: Sendable {
    let database: DatabasePool

    package init(database: DatabasePool) {
        self.database = database
    }

    /// Webhooks a server keeps at most: each has a task, a connection and a database write per event.
    package static let maximumCount = 100

    /// Stores a new webhook whose cursor is the last audit id assigned so far: it receives the events committed
    /// after it was created. The id is random and URL-safe. Throws `RegistryError` (`.conflict`) when there are
    /// `maximumCount` already.
    package func create(_ request: WebhookRequest, createdAt: Int64) async throws -> Webhook {
        let id = Self.newID()
        return try await database.write { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhooks") ?? 0
            guard count < Self.maximumCount else {
                throw RegistryError(
                    .conflict, "there are \(count) webhooks, the most a server keeps; delete one first")
            }
            // sqlite_sequence holds the last id ever assigned, also when those rows have been pruned since.
            let cursor =
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'lifecycle_events'") ?? 0
            try db.execute(
                sql: """
                    INSERT INTO webhooks (id, url, secret, types_json, instances_json, cursor, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, request.url, request.secret, Self.encode(request.types), Self.encode(request.instances), cursor,
                    createdAt,
                ])
            return Webhook(
                id: id, url: request.url, secret: request.secret, types: request.types, instances: request.instances,
                createdAt: createdAt, delivery: .init(cursor: cursor))
        }
    }

    /// Every webhook, oldest first.
    package func all() async throws -> [Webhook] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhooks ORDER BY created_at, id").map(Self.webhook(from:))
        }
    }

    /// The webhook with `id`, or nil.
    package func webhook(_ id: String) async throws -> Webhook? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhooks WHERE id = ?", arguments: [id]).map(Self.webhook(from:))
        }
    }

    /// Whether the webhook with `id` is stored.
    package func exists(_ id: String) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    /// Every webhook and the newest audit id, read together (for how far behind each one is).
    package func allWithNewestEventID() async throws -> (webhooks: [Webhook], newestEventID: Int64) {
        try await database.read { db in
            let webhooks = try Row.fetchAll(db, sql: "SELECT * FROM webhooks ORDER BY created_at, id")
                .map(Self.webhook(from:))
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM lifecycle_events") ?? 0
            return (webhooks, newest)
        }
    }

    /// Deletes the webhook; false when there was none.
    package func delete(_ id: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Stores the delivery state (a row deleted meanwhile is left deleted).
    package func save(_ id: String, _ delivery: Webhook.Delivery) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhooks SET cursor = ?, consecutive_failures = ?, failing = ?, last_error = ?,
                        last_attempt_at = ?, last_success_at = ?, delivered = ?, failed = ?, skipped = ?
                    WHERE id = ?
                    """,
                arguments: [
                    delivery.cursor, delivery.consecutiveFailures, delivery.failing, delivery.lastError,
                    delivery.lastAttemptAt, delivery.lastSuccessAt, delivery.delivered, delivery.failed,
                    delivery.skipped, id,
                ])
        }
    }

    /// A random id: `wh_` and 20 lowercase letters and digits (about 103 bits).
    static func newID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "wh_" + String((0..<20).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    private static func encode(_ list: [String]?) -> String? {
        list.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func decode(_ json: String?) -> [String]? {
        json.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
    }

    private static func webhook(from row: Row) -> Webhook {
        var delivery = Webhook.Delivery(cursor: row["cursor"])
        delivery.consecutiveFailures = row["consecutive_failures"]
        delivery.failing = row["failing"]
        delivery.lastError = row["last_error"]
        delivery.lastAttemptAt = row["last_attempt_at"]
        delivery.lastSuccessAt = row["last_success_at"]
        delivery.delivered = row["delivered"]
        delivery.failed = row["failed"]
        delivery.skipped = row["skipped"]
        return Webhook(
            id: row["id"], url: row["url"], secret: row["secret"], types: decode(row["types_json"]),
            instances: decode(row["instances_json"]), createdAt: row["created_at"], delivery: delivery)
    }
}
