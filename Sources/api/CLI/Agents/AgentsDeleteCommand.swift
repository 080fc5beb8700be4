import ArgumentParser
import DormouseClient
import Registry

/// `dormouse agents delete NAME`: forgets an agent (its container is left as it is).
struct AgentsDeleteCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an agent and the container Dormouse created for it (never an operator's); its counters go.",
        discussion: """
            Example:
              dormouse agents delete coder-1

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name.")
    var name: String

    func run(client: ServerClient, output: CLIOutput) async throws {
        _ = try await client.send(.delete, "/agents/\(ServerClient.escape(name))")
        if output.json { return output.line(JSONValue.object(["deleted": .string(name)]).jsonText) }
        output.line("deleted agent \(name)")
    }
}
