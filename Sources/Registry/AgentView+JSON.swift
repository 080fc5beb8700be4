import Lifecycle

/// The API's JSON form of an agent, written by hand around the cached definition JSON: Foundation's encoder
/// was most of the time of listing 1,000 agents.
extension AgentView {
    /// The agent as one JSON object: its definition, `created_at`, `updated_at` and `state`.
    public var jsonText: String {
        var json = ""
        append(to: &json)
        return json
    }

    /// Appends the agent's JSON object to `json`.
    func append(to json: inout String) {
        json += agent.definitionJSON.dropLast()  // without the definition's closing brace
        json += ",\"created_at\":\(agent.createdAt),\"updated_at\":\(agent.updatedAt)"
        json += ",\"state\":{\"in_flight\":\(inFlight),\"queued\":\(queued),\"lifecycle_state\":"
        json += lifecycleState.map { "\"\($0.rawValue)\"" } ?? "null"
        json += ",\"lifecycle_metrics\":"
        json += lifecycleMetrics.map(Self.json(of:)) ?? "null"
        json += "}}"
    }

    /// Agents as `{"agents": [...]}`.
    public static func listJSON(_ views: [AgentView]) -> String {
        var json = "{\"agents\":["
        json.reserveCapacity(views.reduce(64) { $0 + $1.agent.definitionJSON.utf8.count + 320 })
        for (index, view) in views.enumerated() {
            if index > 0 { json += "," }
            view.append(to: &json)
        }
        return json + "]}"
    }

    private static func json(of metrics: InstanceMetrics) -> String {
        // Counter names and event types are the four fixed names, never user input.
        let counters = SQLiteAuditLog.eventTypes.map { "\"\($0)\":\(metrics.counters[$0] ?? 0)" }
        var json = "{\"counters\":{" + counters.joined(separator: ",") + "},\"last_event\":"
        if let last = metrics.lastEvent {
            json += "{\"type\":\"\(last.type)\",\"ts\":\(last.ts),\"detail\":\(last.detailJSON)}"
        } else {
            json += "null"
        }
        return json + "}"
    }
}
