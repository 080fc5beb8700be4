import ArgumentParser
import AsyncHTTPClient
import DormouseClient
import Foundation
import Registry

/// `dormouse events`: the lifecycle history, and with `--follow` the live stream, resuming after the last
/// event seen when the connection drops (a server restart, for example).
struct EventsCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print lifecycle events: the history, and with --follow the live stream.",
        discussion: """
            Reads GET /events. Without --follow it prints the history and exits; with --follow it goes on
            printing events as they happen and, when the connection drops, reconnects and resumes after the
            last event it printed (no gap, no duplicate).

            Types: container.lazy_started, container.lazy_stopped, container.lazy_start_failed, \
            container.lazy_stop_failed, and for agents with pause_after_s (the warm tier) \
            container.lazy_paused, container.lazy_resumed, container.lazy_pause_failed, \
            container.lazy_resume_failed.

            Example:
              dormouse events --instance coder-1
              dormouse events --follow --type container.lazy_started --json
              dormouse events --follow --type container.lazy_started --type container.lazy_resumed

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Flag(name: .shortAndLong, help: "Keep printing events as they happen.")
    var follow = false

    @Option(help: "Only this agent's events.")
    var instance: String?

    @Option(
        help: ArgumentHelp(
            "Only this type (container.lazy_started, container.lazy_stopped, container.lazy_paused, "
                + "container.lazy_resumed, ...); repeatable."))
    var type: [String] = []

    @Option(name: .customLong("after-id"), help: "Start after this event id (default 0: all history).")
    var afterID: Int64 = 0

    func run(client: ServerClient, output: CLIOutput) async throws {
        var lastID = afterID
        let stream = ReconnectingEventStream(client: client, path: path(after: afterID))
        try await stream.run { failure in
            // With --follow a server that is restarting or gone for a moment, or a stream that broke off
            // mid-way, is tried again; it resumes after the last event printed.
            guard follow, let failure else { return follow }
            if let error = failure as? CLIError { return error.isUnreachable }
            return true
        } onItem: { item in
            switch item {
            case .comment("caught up") where !follow:
                return .stop
            case .event(let event):
                guard let id = Int64(event.id), id > lastID else { return .proceed }
                lastID = id
                print(id: id, data: event.data, output: output)
                return .proceed
            default:
                return .proceed
            }
        }
    }

    private func path(after id: Int64) -> String {
        var query = ["after_id=\(id)"]
        if let instance { query.append("instance=\(ServerClient.escape(instance))") }
        if !type.isEmpty { query.append("type=\(ServerClient.escape(type.joined(separator: ",")))") }
        return "/events?" + query.joined(separator: "&")
    }

    private func print(id: Int64, data: String, output: CLIOutput) {
        guard case .object(var event) = (try? JSONValue.parse(data)) ?? .null else { return output.line(data) }
        event["id"] = .integer(id)
        if output.json { return output.line(JSONValue.object(event.dictionary).jsonText) }
        let time: String
        if case .number(let number) = event["ts"] ?? .null, let ts = number.int64Value {
            time = Self.timeFormat.string(from: Date(timeIntervalSince1970: Double(ts) / 1_000))
        } else {
            time = "—"
        }
        let type: String = if case .string(let name) = event["type"] ?? .null { name } else { "—" }
        let summary: String = if case .string(let text) = event["summary"] ?? .null { text } else { "" }
        output.line("\(id)\t\(time)\t\(type)\t\(summary)")
    }

    private static let timeFormat: DateFormatter = {
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return format
    }()
}
