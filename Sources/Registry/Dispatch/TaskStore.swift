import GRDB

/// The `tasks` table.
struct TaskStore: Sendable {
    let database: DatabasePool

    /// Writes a new task (`queued`, or `running` when it starts at once).
    ///
    /// Each write is one statement, which SQLite commits on its own (autocommit): no `BEGIN`/`COMMIT` around it.
    /// The statements are prepared once per connection.
    func insert(_ task: TaskRecord, agentID: Int64) async throws {
        try await database.writeWithoutTransaction { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO tasks (id, agent_id, agent, status, payload_json, created_at, started_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                task.id, agentID, task.agent, task.status.rawValue, task.payload.jsonText, task.createdAt,
                task.startedAt,
            ])
        }
    }

    /// Writes everything that changes over a task's life.
    func update(_ task: TaskRecord) async throws {
        try await database.writeWithoutTransaction { db in
            try db.cachedStatement(
                sql: """
                    UPDATE tasks SET status = ?, started_at = ?, finished_at = ?, cold_start = ?, resumed = ?,
                        wake_ms = ?, exit_code = ?, http_status = ?, output = ?, output_truncated = ?, error = ?
                    WHERE id = ?
                    """
            ).execute(arguments: [
                task.status.rawValue, task.startedAt, task.finishedAt, task.coldStart, task.resumed,
                task.wakeMilliseconds, task.exitCode, task.httpStatus, task.output, task.outputTruncated, task.error,
                task.id,
            ])
        }
    }

    func task(id: String) async throws -> TaskRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM tasks WHERE id = ?", arguments: [id]).map(Self.task(from:))
        }
    }

    /// The agent's tasks, newest first, optionally of one status and older than the task `before`.
    func tasks(agentID: Int64, status: TaskRecord.Status?, before: String?, limit: Int) async throws -> [TaskRecord] {
        try await database.read { db in
            var sql = "SELECT * FROM tasks WHERE agent_id = ?"
            var arguments: StatementArguments = [agentID]
            if let status {
                sql += " AND status = ?"
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            if let before {
                sql += " AND seq < (SELECT seq FROM tasks WHERE id = ?)"
                _ = arguments.append(contentsOf: [before])
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.task(from:))
        }
    }

    /// Marks every task a previous run left queued or running as failed; returns how many.
    func failUnfinished(at now: Int64, reason: String) async throws -> Int {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE tasks SET status = 'failed', finished_at = ?, error = ?
                    WHERE status IN ('queued', 'running')
                    """,
                arguments: [now, reason])
            return db.changesCount
        }
    }

    private static func task(from row: Row) throws -> TaskRecord {
        let stored: String = row["payload_json"]
        var task = TaskRecord(id: row["id"], agent: row["agent"], payload: .null, createdAt: row["created_at"])
        // A row written before payloads were checked may not read back (too deep, say): it is shown as its
        // text rather than failing the read of the task or of a whole list page.
        do {
            task.payload = try JSONValue.parse(stored)
        } catch {
            task.payload = .string(stored)
            task.payloadIsRaw = true
        }
        task.status = TaskRecord.Status(rawValue: row["status"]) ?? .failed
        task.startedAt = row["started_at"]
        task.finishedAt = row["finished_at"]
        task.coldStart = row["cold_start"]
        task.resumed = row["resumed"]
        task.wakeMilliseconds = row["wake_ms"]
        task.exitCode = row["exit_code"]
        task.httpStatus = row["http_status"]
        task.output = row["output"]
        task.outputTruncated = row["output_truncated"]
        task.error = row["error"]
        return task
    }
}
