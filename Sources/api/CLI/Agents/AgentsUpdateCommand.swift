import ArgumentParser
import DormouseClient
import Registry

/// `dormouse agents update NAME ...`: changes an agent with a JSON merge patch of the fields given.
struct AgentsUpdateCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change an agent: a JSON merge patch of only the fields given, or of --file.",
        discussion: """
            A flag of the container or the dispatch changes only that part of it: the rest is read from the \
            agent first (the API replaces those blocks whole). --file sends the file as the patch as it is. \
            Changing the container or lifecycle (idle timeout and pause included) is refused (exit 65) while \
            tasks run or wait.

            Example:
              dormouse agents update coder-1 --idle-timeout 600 --max-concurrency 2
              dormouse agents update coder-1 --env MODEL=y --timeout 900
              dormouse agents update coder-1 --pause-after 30
              dormouse agents update coder-1 --no-pause
              echo '{"max_queue": 10}' | dormouse agents update coder-1 --file -

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name.")
    var name: String

    @OptionGroup(title: "Agent fields") var agent: AgentFlags

    func run(client: ServerClient, output: CLIOutput) async throws {
        let path = "/agents/\(ServerClient.escape(name))"
        var current: JSONValue?
        if agent.file == nil, agent.containerGiven || agent.swarmGiven || agent.dispatchGiven {
            current = try await client.send(.get, path).json
        }
        let patch = try agent.fields(current: current)
        guard !patch.isEmpty else { throw ValidationError("give at least one field to change, or --file") }
        let reply = try await client.send(.patch, path, json: .object(patch))
        if output.json { return output.json(reply.body) }
        output.line("updated agent \(name)")
        output.line(AgentFormat.details(reply.json, color: output.color))
    }
}
