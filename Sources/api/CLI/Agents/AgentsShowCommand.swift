import ArgumentParser
import DormouseClient

/// `dormouse agents show NAME`: one agent's definition, state and counters.
struct AgentsShowCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one agent: its definition, state and lifecycle counters.",
        discussion: """
            Example:
              dormouse agents show coder-1
              dormouse agents show coder-1 --json

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name.")
    var name: String

    func run(client: ServerClient, output: CLIOutput) async throws {
        let reply = try await client.send(.get, "/agents/\(ServerClient.escape(name))")
        if output.json { return output.json(reply.body) }
        output.line(AgentFormat.details(reply.json, color: output.color))
    }
}
