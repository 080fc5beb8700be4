import Foundation
import GRDB
import Lifecycle
import Logging

/// The lifecycle audit log and per-instance counters in SQLite: every event is written as an audit row and
/// counted in the same transaction, so the two never disagree and boot reads only the counters.
package final class SQLiteAuditLog: LifecycleEventListener {
    /// The eight event types (the cold start and stop, the warm tier's pause and resume, and each one's failure),
    /// which are also the counter columns of `instance_metrics`, in this order.
    package static let eventTypes = LifecycleEvent.types

    private let database: DatabasePool
    private let batcher: AuditBatcher

    /// An audit log on `database`, starting from the counters stored there; `onCommit` hears of every
    /// committed row, in id order (the event stream broadcasts from there, so what it sends is always in the
    /// table).
    package convenience init(
        database: DatabasePool, logger: Logger, onCommit: @escaping @Sendable ([AuditRecord]) async -> Void = { _ in }
    ) throws {
        try self.init(database: database, logger: logger, backlog: AuditBatcher.defaultBacklog, onCommit: onCommit)
    }

    /// `backlog` bounds the events received but not yet being written (tests make it small).
    init(
        database: DatabasePool, logger: Logger, backlog: Int,
        onCommit: @escaping @Sendable ([AuditRecord]) async -> Void = { _ in }
    ) throws {
        self.database = database
        self.batcher = try AuditBatcher(database: database, backlog: backlog, onCommit: onCommit) { event, error in
            logger.error(
                "could not write a lifecycle event to the audit log",
                metadata: [
                    "agent.name": "\(event.instance)", "lifecycle.event": "\(event.type)",
                    "lifecycle.ts": "\(event.timestampMilliseconds)", "error": "\(error)",
                ])
        }
    }

    /// Hands the event to the writer and returns without waiting for the commit: it is written with the
    /// next group commit, and every read here (`metrics`, `allMetrics`, `events`) waits for it first. A
    /// failed write is logged with the whole event, never dropped silently. Waits only when the writer is
    /// `AuditBatcher.defaultBacklog` events behind.
    package func receive(_ event: LifecycleEvent) async {
        await batcher.enqueue(.init(event: event, detailJSON: DetailJSON.encode(event.detail)))
    }

    /// Returns once every event received before the call is committed (or its failure logged).
    package func flush() async {
        await batcher.flush()
    }

    /// How many `receive` calls are waiting for room in the backlog.
    var producersWaiting: Int {
        get async { await batcher.producersWaiting }
    }

    /// Writes the audit row and bumps the instance's counter and last event in one transaction; returns the
    /// row id once it is committed. Concurrent calls share a transaction (group commit).
    @discardableResult
    package func record(_ event: LifecycleEvent) async throws -> Int64 {
        precondition(Self.eventTypes.contains(event.type), "unknown lifecycle event type \(event.type)")
        return try await batcher.submit(.init(event: event, detailJSON: DetailJSON.encode(event.detail)))
    }

    /// The instance's counters, or `.zero` if nothing was recorded since it was created.
    package func metrics(for instance: String) async throws -> InstanceMetrics {
        await batcher.allMetrics()[instance] ?? .zero
    }

    /// Every instance's counters, by instance name: kept in memory by the writer, read from the database
    /// once.
    package func allMetrics() async throws -> [String: InstanceMetrics] {
        await batcher.allMetrics()
    }

    /// Audit rows after `afterID` (oldest first), optionally of one instance and from `notBefore` (epoch ms)
    /// on, at most `limit`.
    package func events(instance: String? = nil, afterID: Int64 = 0, notBefore: Int64 = 0, limit: Int = 100)
        async throws -> [AuditRecord]
    {
        await batcher.flush()
        return try await Self.events(
            in: database, instance: instance, afterID: afterID, notBefore: notBefore, limit: limit)
    }

    /// Committed audit rows after `afterID`, read straight from `database` (oldest first, at most `limit`);
    /// unlike `events`, it does not wait for events handed over but not yet written.
    package static func events(
        in database: DatabasePool, instance: String? = nil, afterID: Int64, notBefore: Int64 = 0, limit: Int
    ) async throws -> [AuditRecord] {
        try await database.read { db in
            let rows =
                if let instance {
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM lifecycle_events WHERE instance = ? AND id > ? AND ts >= ? ORDER BY id LIMIT ?
                            """,
                        arguments: [instance, afterID, notBefore, limit])
                } else {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM lifecycle_events WHERE id > ? AND ts >= ? ORDER BY id LIMIT ?",
                        arguments: [afterID, notBefore, limit])
                }
            return try rows.map { row in
                AuditRecord(
                    id: row["id"], instance: row["instance"], type: row["type"], ts: row["ts"],
                    detail: try Self.decode(row["detail_json"]))
            }
        }
    }

    /// The id of the newest audit row in `database` (0 when there is none).
    package static func lastEventID(in database: DatabasePool) async throws -> Int64 {
        try await database.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM lifecycle_events") ?? 0 }
    }

    /// Checks that the database answers a read (for health checks).
    package func checkReadable() async throws {
        _ = try await database.read { db in try Int.fetchOne(db, sql: "SELECT 1 FROM instance_metrics LIMIT 1") }
    }

    /// Forgets an instance's counters (its agent was deleted), so a re-created agent starts from zero. Its
    /// audit rows stay as history and, counters being materialized, never bring the counts back.
    package func forget(_ instance: String) async throws {
        try await batcher.forget(instance)
    }

    /// Deletes audit rows older than `cutoff` (epoch ms) and, with `maxRows`, the oldest beyond that many.
    /// Counters are not touched. Returns how many rows were deleted.
    @discardableResult
    package func prune(olderThan cutoff: Int64?, maxRows: Int?) async throws -> Int {
        try await database.write { db in
            var deleted = 0
            if let cutoff {
                try db.execute(sql: "DELETE FROM lifecycle_events WHERE ts < ?", arguments: [cutoff])
                deleted += db.changesCount
            }
            if let maxRows {
                try db.execute(
                    sql: """
                        DELETE FROM lifecycle_events WHERE id <= (
                            SELECT id FROM lifecycle_events ORDER BY id DESC LIMIT 1 OFFSET ?)
                        """,
                    arguments: [maxRows])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    private static func decode(_ json: String) throws -> [String: LifecycleEventDetailValue] {
        try JSONDecoder().decode([String: LifecycleEventDetailValue].self, from: Data(json.utf8))
    }

    /// Reads every instance's counters from the database.
    static func loadMetrics(_ db: Database) throws -> [String: InstanceMetrics] {
        var all: [String: InstanceMetrics] = [:]
        // Columns by position: looking them up by name was most of the cost with many instances.
        // The counter columns are the fixed event type names, never user input.
        let types = eventTypes
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT instance, \(types.joined(separator: ", ")),
                    last_event_type, last_event_ts, last_event_detail_json
                FROM instance_metrics
                """)
        let lastColumn = types.count + 1
        while let row = try rows.next() {
            var last: InstanceMetrics.LastEvent?
            if let type: String = row[lastColumn], let ts: Int64 = row[lastColumn + 1] {
                last = .init(type: type, ts: ts, detailJSON: row[lastColumn + 2] ?? "{}")
            }
            var counters: [String: Int] = [:]
            for (index, type) in types.enumerated() { counters[type] = row[index + 1] }
            all[row[0]] = InstanceMetrics(counters: counters, lastEvent: last)
        }
        return all
    }
}
