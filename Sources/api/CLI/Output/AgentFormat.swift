import DormouseClient
import Foundation
import Registry

/// How agents read in a terminal: a table for the list, label/value lines for one agent.
enum AgentFormat {
    /// The `agents list` table.
    static func table(_ agents: [JSONValue], color: Bool) -> String {
        var table = Table(headers: ["NAME", "MODE", "LIFECYCLE", "STATE", "IN FLIGHT", "QUEUED", "DISPATCH"])
        table.rows = agents.map { agent in
            let state = agent.field("state")
            return [
                agent.field("name").cell, agent.field("mode").cell, agent.field("lifecycle").cell,
                state.field("lifecycle_state").cell, state.field("in_flight").cell, state.field("queued").cell,
                dispatch(agent.field("dispatch")),
            ]
        }
        table.paint = { column, cell in column == 3 ? paintState(cell) : cell }
        return table.render(color: color)
    }

    /// The `agents show` lines.
    static func details(_ agent: JSONValue, color: Bool) -> String {
        let state = agent.field("state")
        var pairs: [(String, String)] = [
            ("name", agent.field("name").cell),
            ("mode", agent.field("mode").cell),
            ("lifecycle", agent.field("lifecycle").cell),
            ("state", color ? paintState(state.field("lifecycle_state").cell) : state.field("lifecycle_state").cell),
            ("in flight", state.field("in_flight").cell),
            ("queued", state.field("queued").cell),
        ]
        let swarm = agent.field("swarm")
        pairs += swarm.isNull ? containerLines(agent.field("container")) : swarmLines(swarm)
        if agent.field("mode").stringValue == "container" {
            pairs.append(("engine", agent.field("engine").stringValue ?? "local"))
        }
        pairs += [
            ("dispatch", dispatch(agent.field("dispatch"))),
            ("idle timeout", "\(agent.field("idle_timeout_s").cell) s"),
        ]
        if let pause = agent.field("pause_after_s").intValue { pairs.append(("pause after", "\(pause) s")) }
        pairs += [
            ("start timeout", "\(agent.field("start_timeout_s").cell) s"),
            ("max concurrency", agent.field("max_concurrency").cell),
            ("max queue", agent.field("max_queue").cell),
        ]
        pairs += metricsLines(state.field("lifecycle_metrics"))
        pairs += [("created", time(agent.field("created_at"))), ("updated", time(agent.field("updated_at")))]
        return Table.details(pairs, color: color)
    }

    /// `exec worker --flag (timeout 300 s)`, `http :8080/run (timeout 300 s)` or `command ...`.
    static func dispatch(_ dispatch: JSONValue) -> String {
        let type = dispatch.field("type").cell
        let target =
            type == "http"
            ? ":\(dispatch.field("port").cell)\(dispatch.field("path").stringValue ?? "/")"
            : dispatch.field("argv").arrayValue.map { quoted($0.cell) }.joined(separator: " ")
        let timeout = dispatch.field("timeout_s").intValue.map { " (timeout \($0) s)" } ?? ""
        return "\(type) \(target)\(timeout)"
    }

    /// An argument as a shell would need it: in single quotes when it has spaces or quotes.
    static func quoted(_ argument: String) -> String {
        guard argument.isEmpty || argument.contains(where: { " \t'\"$;&|".contains($0) }) else { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private static func containerLines(_ container: JSONValue) -> [(String, String)] {
        guard !container.isNull else { return [("container", "—")] }
        var lines = [("container", container.field("name").cell), ("image", container.field("image").cell)]
        let command = container.field("command").arrayValue.map { quoted($0.cell) }
        lines.append(("command", command.isEmpty ? "—" : command.joined(separator: " ")))
        if case .object(let env) = container.field("env"), !env.isEmpty {
            lines.append(("env", env.keys.sorted().map { "\($0)=\(env[$0]?.cell ?? "")" }.joined(separator: " ")))
        }
        return lines
    }

    private static func swarmLines(_ swarm: JSONValue) -> [(String, String)] {
        var lines = [
            ("swarm service", swarm.field("service").cell), ("swarm image", swarm.field("image").cell),
        ]
        let command = swarm.field("command").arrayValue.map { quoted($0.cell) }
        if !command.isEmpty { lines.append(("command", command.joined(separator: " "))) }
        if case .object(let env) = swarm.field("env"), !env.isEmpty {
            lines.append(("env", env.keys.sorted().map { "\($0)=\(env[$0]?.cell ?? "")" }.joined(separator: " ")))
        }
        return lines
    }

    private static func metricsLines(_ metrics: JSONValue) -> [(String, String)] {
        guard !metrics.isNull else { return [] }
        let counters = metrics.field("counters")
        let starts = "\(counters.field("lazy_start").cell) (\(counters.field("lazy_start_failed").cell) failed)"
        let stops = "\(counters.field("lazy_stop").cell) (\(counters.field("lazy_stop_failed").cell) failed)"
        let pauses = "\(counters.field("lazy_pause").cell) (\(counters.field("lazy_pause_failed").cell) failed)"
        let resumes = "\(counters.field("lazy_resume").cell) (\(counters.field("lazy_resume_failed").cell) failed)"
        let last = metrics.field("last_event")
        let lastText = last.isNull ? "—" : "\(last.field("type").cell) at \(time(last.field("ts")))"
        return [
            ("starts", starts), ("stops", stops), ("pauses", pauses), ("resumes", resumes), ("last event", lastText),
        ]
    }

    /// A state in its colour: running green, paused cyan (asleep, but wakes in milliseconds), the transitions
    /// (starting, stopping, pausing, resuming) yellow, stopped dim.
    static func paintState(_ state: String) -> String {
        switch state {
        case "running": ANSI.green(state)
        case "paused": ANSI.cyan(state)
        case "starting", "stopping", "pausing", "resuming": ANSI.yellow(state)
        case "stopped": ANSI.dim(state)
        default: state
        }
    }

    /// Milliseconds since the epoch as an ISO 8601 UTC time, or "—".
    static func time(_ milliseconds: JSONValue) -> String {
        guard let value = milliseconds.doubleValue else { return "—" }
        return Date(timeIntervalSince1970: value / 1000).formatted(.iso8601)
    }
}

extension AgentFormat {
    /// The outcome of `agents start` or `stop`: `coder-1: started in 812 ms (running)`, `coder-1: resumed in 18 ms
    /// (running)` for a paused worker.
    static func actionResult(_ result: JSONValue) -> String {
        let outcome = result.field("result").cell.replacingOccurrences(of: "_", with: " ")
        let took = result.field("wake_ms").isNull ? "" : " in \(TaskFormat.milliseconds(result.field("wake_ms")))"
        return "\(result.field("agent").cell): \(outcome)\(took) (\(result.field("lifecycle_state").cell))"
    }
}
