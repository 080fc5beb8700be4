import GRDB
import Lifecycle

/// Group commit for the audit log: events that arrive while a write is in progress are written together in
/// the next transaction. Every caller still returns only after its own row is committed.
actor AuditBatcher {
    /// An event ready to write, its detail already encoded.
    struct Pending: Sendable {
        var event: LifecycleEvent
        var detailJSON: String
    }

    /// Bounds one transaction, and so the wait of the callers in it.
    static let maximumBatch = 1_000

    private let database: DatabasePool
    private var queue: [(Pending, CheckedContinuation<Int64, any Error>)] = []
    private var draining = false
    /// Every instance's counters, read from the database on first use and then kept up to date by the
    /// commits here (the only writer), so listing many agents reads no rows.
    private var metrics: [String: InstanceMetrics]?

    /// Told of every committed batch, in id order, before the writers are resumed.
    private let onCommit: @Sendable ([AuditRecord]) async -> Void

    init(database: DatabasePool, onCommit: @escaping @Sendable ([AuditRecord]) async -> Void) {
        self.database = database
        self.onCommit = onCommit
    }

    func submit(_ pending: Pending) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            queue.append((pending, continuation))
            guard !draining else { return }
            draining = true
            // One drain task at a time, ending as soon as the queue is empty.
            Task { await self.drain() }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(Self.maximumBatch))
            queue.removeFirst(batch.count)
            let events = batch.map(\.0)
            do {
                let ids = try await database.write { db in try events.map { try Self.insert($0, into: db) } }
                for event in events { count(event) }
                await onCommit(
                    zip(events, ids).map { pending, id in
                        AuditRecord(
                            id: id, instance: pending.event.instance, type: pending.event.type,
                            ts: pending.event.timestampMilliseconds, detail: pending.event.detail)
                    })
                for ((_, continuation), id) in zip(batch, ids) { continuation.resume(returning: id) }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        draining = false
    }

    /// The counters of every instance.
    func allMetrics() throws -> [String: InstanceMetrics] {
        if let metrics { return metrics }
        // Read synchronously: no commit can land between the read and the cache taking over.
        let loaded = try database.read { db in try SQLiteAuditLog.loadMetrics(db) }
        metrics = loaded
        return loaded
    }

    /// Drops an instance's counters.
    func forget(_ instance: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM instance_metrics WHERE instance = ?", arguments: [instance])
        }
        // After the delete, so a commit that landed before it is forgotten too.
        metrics?[instance] = nil
    }

    private func count(_ pending: Pending) {
        guard metrics != nil else { return }
        let event = pending.event
        var current = metrics?[event.instance] ?? .zero
        current.counters[event.type, default: 0] += 1
        current.lastEvent = .init(type: event.type, ts: event.timestampMilliseconds, detailJSON: pending.detailJSON)
        metrics?[event.instance] = current
    }

    /// The audit row and the counter update, in the caller's transaction.
    private static func insert(_ pending: Pending, into db: Database) throws -> Int64 {
        let event = pending.event
        try db.cachedStatement(
            sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [event.instance, event.type, event.timestampMilliseconds, pending.detailJSON])
        let id = db.lastInsertedRowID
        // `event.type` is one of the four counter column names, never user input.
        try db.cachedStatement(
            sql: """
                INSERT INTO instance_metrics (instance, \(event.type), last_event_type, last_event_ts, last_event_detail_json)
                VALUES (?, 1, ?, ?, ?)
                ON CONFLICT(instance) DO UPDATE SET \(event.type) = \(event.type) + 1,
                    last_event_type = excluded.last_event_type, last_event_ts = excluded.last_event_ts,
                    last_event_detail_json = excluded.last_event_detail_json
                """
        ).execute(arguments: [event.instance, event.type, event.timestampMilliseconds, pending.detailJSON])
        return id
    }
}
