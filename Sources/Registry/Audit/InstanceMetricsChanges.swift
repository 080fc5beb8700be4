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

    /// The upsert: one counter column per event type (their fixed names, never user input), each added to.
    private static let upsertSQL: String = {
        let types = SQLiteAuditLog.eventTypes
        let columns = ["instance"] + types + ["last_event_type", "last_event_ts", "last_event_detail_json"]
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let sums = types.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        return """
            INSERT INTO instance_metrics (\(columns.joined(separator: ", "))) VALUES (\(placeholders))
            ON CONFLICT(instance) DO UPDATE SET \(sums),
                last_event_type = excluded.last_event_type, last_event_ts = excluded.last_event_ts,
                last_event_detail_json = excluded.last_event_detail_json
            """
    }()

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
        let upsert = try db.cachedStatement(sql: Self.upsertSQL)
        for instance in order {
            guard let change = changes[instance] else { continue }
            var values: [(any DatabaseValueConvertible)?] = [instance]
            values += change.counts.map { $0 as (any DatabaseValueConvertible)? }
            values += [change.lastType, change.lastTS, change.lastDetailJSON] as [(any DatabaseValueConvertible)?]
            try upsert.execute(arguments: StatementArguments(values))
        }
    }
}
