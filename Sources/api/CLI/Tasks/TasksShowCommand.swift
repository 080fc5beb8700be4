import ArgumentParser
import DormouseClient

/// `dormouse tasks show ID`: one task with its result and output.
struct TasksShowCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one task: status, exit code, wake time and output.",
        discussion: """
            Example:
              dormouse tasks show 01JABCDEF
              dormouse tasks show 01JABCDEF --json | jq -r .output

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The task's id.")
    var id: String

    func run(client: ServerClient, output: CLIOutput) async throws {
        let reply = try await client.send(.get, "/tasks/\(ServerClient.escape(id))")
        if output.json { return output.json(reply.body) }
        output.line(TaskFormat.details(reply.json, color: output.color))
    }
}
