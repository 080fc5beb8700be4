import DormouseClient
import Registry

/// How tasks read in a terminal: a table for a list, label/value lines (and the output) for one task.
enum TaskFormat {
    /// The `tasks list` table.
    static func table(_ tasks: [JSONValue], color: Bool) -> String {
        var table = Table(headers: ["ID", "STATUS", "CREATED", "TOOK", "EXIT", "WAKE"])
        table.rows = tasks.map { task in
            [
                task.field("id").cell, task.field("status").cell, AgentFormat.time(task.field("created_at")),
                took(task), result(task), wake(task),
            ]
        }
        table.paint = { column, cell in column == 1 ? paintStatus(cell) : cell }
        return table.render(color: color)
    }

    /// The `tasks show` and `dispatch` lines, then the output under its own heading.
    static func details(_ task: JSONValue, color: Bool) -> String {
        let status = task.field("status").cell
        var pairs: [(String, String)] = [
            ("task", task.field("id").cell),
            ("agent", task.field("agent").cell),
            ("status", color ? paintStatus(status) : status),
            ("exit", result(task)),
            ("wake", wake(task)),
            ("took", took(task)),
            ("created", AgentFormat.time(task.field("created_at"))),
            ("payload", task.field("payload").jsonText),
        ]
        if let error = task.field("error").stringValue { pairs.append(("error", error)) }
        var text = Table.details(pairs, color: color)
        if let output = task.field("output").stringValue, !output.isEmpty {
            let truncated = task.field("output_truncated") == .bool(true) ? " (truncated)" : ""
            let heading = "output\(truncated):"
            text += "\n" + (color ? ANSI.dim(heading) : heading) + "\n" + output
            if text.hasSuffix("\n") { text.removeLast() }
        }
        return text
    }

    /// The exit code, else `HTTP <status>`, else "—".
    static func result(_ task: JSONValue) -> String {
        if let code = task.field("exit_code").intValue { return String(code) }
        if let status = task.field("http_status").intValue { return "HTTP \(status)" }
        return "—"
    }

    /// `123 ms (cold start)`, `resumed from pause in 18 ms`, `warm`, or "—" while queued or in host mode.
    static func wake(_ task: JSONValue) -> String {
        switch (task.field("cold_start"), task.field("resumed")) {
        case (.bool(true), _): "\(milliseconds(task.field("wake_ms"))) (cold start)"
        case (.bool(false), .bool(true)): "resumed from pause in \(milliseconds(task.field("wake_ms")))"
        case (.bool(false), _): "warm"
        default: "—"
        }
    }

    /// How long the task ran, from start to finish.
    static func took(_ task: JSONValue) -> String {
        guard let start = task.field("started_at").intValue, let end = task.field("finished_at").intValue else {
            return "—"
        }
        return milliseconds(.integer(end - start))
    }

    static func milliseconds(_ value: JSONValue) -> String {
        guard let milliseconds = value.doubleValue else { return "—" }
        return milliseconds >= 10_000 ? "\(Int(milliseconds / 1000)) s" : "\(Int(milliseconds.rounded())) ms"
    }

    /// A status in its colour: succeeded green, failed and timed_out red, queued/running yellow.
    static func paintStatus(_ status: String) -> String {
        switch status {
        case "succeeded": ANSI.green(status)
        case "failed", "timed_out": ANSI.red(status)
        case "queued", "running": ANSI.yellow(status)
        default: status
        }
    }
}
