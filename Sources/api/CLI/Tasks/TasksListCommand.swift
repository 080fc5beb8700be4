import ArgumentParser
import DormouseClient

/// `dormouse tasks list --agent NAME`: an agent's tasks, newest first.
struct TasksListCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List an agent's tasks, newest first.",
        discussion: """
            Example:
              dormouse tasks list --agent coder-1
              dormouse tasks list --agent coder-1 --status failed --limit 5

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Option(help: "The agent whose tasks to list.")
    var agent: String

    @Option(help: "Only tasks in this status: queued, running, succeeded, failed or timed_out.")
    var status: String?

    @Option(help: "At most this many tasks.")
    var limit: Int?

    func run(client: ServerClient, output: CLIOutput) async throws {
        var query: [String] = []
        if let status { query.append("status=\(ServerClient.escape(status))") }
        if let limit { query.append("limit=\(limit)") }
        let path =
            "/agents/\(ServerClient.escape(agent))/tasks" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let reply = try await client.send(.get, path)
        if output.json { return output.json(reply.body) }
        output.line(TaskFormat.table(reply.json.field("tasks").arrayValue, color: output.color))
    }
}
