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
        migrator.registerMigration("v2: agents and tasks") { db in
            // `id` changes when an agent is deleted and declared again, so the new agent's task list starts empty.
            try db.create(table: "agents") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique()
                table.column("definition_json", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("updated_at", .integer).notNull()
            }
            try db.create(table: "tasks") { table in
                table.autoIncrementedPrimaryKey("seq")
                table.column("id", .text).notNull().unique()
                table.column("agent_id", .integer).notNull()
                table.column("agent", .text).notNull()
                table.column("status", .text).notNull()
                table.column("payload_json", .text).notNull()
                table.column("created_at", .integer).notNull()
                table.column("started_at", .integer)
                table.column("finished_at", .integer)
                table.column("cold_start", .boolean)
                table.column("wake_ms", .double)
                table.column("exit_code", .integer)
                table.column("http_status", .integer)
                table.column("output", .text)
                table.column("output_truncated", .boolean).notNull().defaults(to: false)
                table.column("error", .text)
            }
            try db.create(index: "tasks_agent_seq", on: "tasks", columns: ["agent_id", "seq"])
            try db.execute(
                sql: "CREATE INDEX tasks_unfinished ON tasks (status) WHERE status IN ('queued', 'running')")
        }
        migrator.registerMigration("v3: warm tier: pause and resume counters, resumed tasks") { db in
            // Existing instances start these counters at zero: nothing was paused before the warm tier.
            // (`pause_after_s` needs no column: an agent's definition is stored whole as `definition_json`.)
            try db.alter(table: "instance_metrics") { table in
                table.add(column: "lazy_pause", .integer).notNull().defaults(to: 0)
                table.add(column: "lazy_pause_failed", .integer).notNull().defaults(to: 0)
                table.add(column: "lazy_resume", .integer).notNull().defaults(to: 0)
                table.add(column: "lazy_resume_failed", .integer).notNull().defaults(to: 0)
            }
            // Whether the task's worker was thawed from paused for it; null as cold_start is (queued, host mode).
            try db.alter(table: "tasks") { table in
                table.add(column: "resumed", .boolean)
            }
        }
        migrator.registerMigration("v4: webhooks") { db in
            // `cursor` is the id of the last audit row this webhook is done with (delivered, filtered out or
            // pruned): delivery resumes after it, also after a crash. Filters are JSON arrays, null for all.
            try db.create(table: "webhooks") { table in
                table.primaryKey("id", .text)
                table.column("url", .text).notNull()
                table.column("secret", .text).notNull()
                table.column("types_json", .text)
                table.column("instances_json", .text)
                table.column("cursor", .integer).notNull()
                table.column("consecutive_failures", .integer).notNull().defaults(to: 0)
                table.column("failing", .boolean).notNull().defaults(to: false)
                table.column("last_error", .text)
                table.column("last_attempt_at", .integer)
                table.column("last_success_at", .integer)
                table.column("delivered", .integer).notNull().defaults(to: 0)
                table.column("failed", .integer).notNull().defaults(to: 0)
                table.column("skipped", .integer).notNull().defaults(to: 0)
                table.column("created_at", .integer).notNull()
            }
        }
        return migrator
    }
}
