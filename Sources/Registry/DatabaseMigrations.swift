import GRDB

/// The schema of Dormouse's SQLite database, one migration per change; never edit a shipped migration.
enum DatabaseMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: lifecycle audit and instance metrics") { db in
            try db.create(table: "lifecycle_events") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("instance", .text).notNull()
                table.column("type", .text).notNull()
                table.column("ts", .integer).notNull()
                table.column("detail_json", .text).notNull()
            }
            try db.create(index: "lifecycle_events_instance_ts", on: "lifecycle_events", columns: ["instance", "ts"])
            try db.create(index: "lifecycle_events_ts", on: "lifecycle_events", columns: ["ts"])
            // Counters are kept materialized so boot never replays the audit table, and pruning it changes
            // nothing here.
            try db.create(table: "instance_metrics") { table in
                table.primaryKey("instance", .text)
                table.column("lazy_start", .integer).notNull().defaults(to: 0)
                table.column("lazy_start_failed", .integer).notNull().defaults(to: 0)
                table.column("lazy_stop", .integer).notNull().defaults(to: 0)
                table.column("lazy_stop_failed", .integer).notNull().defaults(to: 0)
                table.column("last_event_type", .text)
                table.column("last_event_ts", .integer)
                table.column("last_event_detail_json", .text)
            }
        }
        return migrator
    }
}
