import ArgumentParser
import DormouseClient

/// `dormouse agents list`: every agent with its state.
struct AgentsListCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every agent with its state.",
        discussion: """
            Lifecycle state is "—" for hot and host-mode agents, which have none.

            Example:
              dormouse agents list
              dormouse agents list --json | jq '.agents[].name'

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    func run(client: ServerClient, output: CLIOutput) async throws {
        let reply = try await client.send(.get, "/agents")
        if output.json { return output.json(reply.body) }
        output.line(AgentFormat.table(reply.json.field("agents").arrayValue, color: output.color))
    }
}
