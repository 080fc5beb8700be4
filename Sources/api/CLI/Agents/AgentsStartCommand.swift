import ArgumentParser
import DormouseClient

/// `dormouse agents start NAME`: an operator start of the agent's container.
struct AgentsStartCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start an agent's container now (audited as an operator start).",
        discussion: """
            Answers at once when it is already running.

            Example:
              dormouse agents start coder-1

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name.")
    var name: String

    func run(client: ServerClient, output: CLIOutput) async throws {
        let reply = try await client.send(.post, "/agents/\(ServerClient.escape(name))/start", timeout: .seconds(600))
        if output.json { return output.json(reply.body) }
        output.line(AgentFormat.actionResult(reply.json))
    }
}
