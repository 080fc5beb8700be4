import GRDB
import Lifecycle

/// What a batch of lifecycle events adds to the `instance_metrics` rows: per instance, how many events of
/// each type and the newest event. Written with one upsert per instance.
struct InstanceMetricsChanges {
    private struct Change {
        var counts: [Int] = Array(repeating: 0, count: SQLiteAuditLog.eventTypes.count)
        var lastType = ""
        var lastTS: Int64 = 0
        var lastDetailJSON = "{}"
    }

    private var changes: [String: Change] = [:]
    /// Instances in the order they first appear, so the writes are in a stable order.
    private var order: [String] = []

    mutating func add(_ event: LifecycleEvent, detailJSON: String) {
        guard let column = SQLiteAuditLog.eventTypes.firstIndex(of: event.type) else {
            preconditionFailure("unknown lifecycle event type \(event.type)")
        }
        if changes[event.instance] == nil { order.append(event.instance) }
        changes[event.instance, default: Change()].counts[column] += 1
        changes[event.instance]?.lastType = event.type
        changes[event.instance]?.lastTS = event.timestampMilliseconds
        changes[event.instance]?.lastDetailJSON = detailJSON
    }

    func write(into db: Database) throws {
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO instance_metrics (instance, lazy_start, lazy_start_failed, lazy_stop, lazy_stop_failed,
                    last_event_type, last_event_ts, last_event_detail_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(instance) DO UPDATE SET
                    lazy_start = lazy_start + excluded.lazy_start,
                    lazy_start_failed = lazy_start_failed + excluded.lazy_start_failed,
                    lazy_stop = lazy_stop + excluded.lazy_stop,
                    lazy_stop_failed = lazy_stop_failed + excluded.lazy_stop_failed,
                    last_event_type = excluded.last_event_type, last_event_ts = excluded.last_event_ts,
                    last_event_detail_json = excluded.last_event_detail_json
                """)
        for instance in order {
            guard let change = changes[instance] else { continue }
            try upsert.execute(
                arguments: [
                    instance, change.counts[0], change.counts[1], change.counts[2], change.counts[3], change.lastType,
                    change.lastTS, change.lastDetailJSON,
                ])
        }
    }
}
