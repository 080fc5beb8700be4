import ArgumentParser
import DormouseClient

/// `dormouse agents stop NAME`: an operator stop of the agent's container.
struct AgentsStopCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop an agent's container now (audited as an operator stop).",
        discussion: """
            Refused (exit 65) while the agent has tasks running.

            Example:
              dormouse agents stop coder-1

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name.")
    var name: String

    func run(client: ServerClient, output: CLIOutput) async throws {
        let reply = try await client.send(.post, "/agents/\(ServerClient.escape(name))/stop", timeout: .seconds(600))
        if output.json { return output.json(reply.body) }
        output.line(AgentFormat.actionResult(reply.json))
    }
}
