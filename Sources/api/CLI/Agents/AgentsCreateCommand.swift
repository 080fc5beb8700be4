import ArgumentParser
import DormouseClient
import Registry

/// `dormouse agents create NAME ...`: declares an agent from flags or a JSON file.
struct AgentsCreateCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Declare an agent from flags or from a JSON file.",
        discussion: """
            Flags cover the common fields; --file takes the whole agent as the API's JSON (name optional). \
            One of --exec, --http-port and --host-command says how tasks reach the agent.

            Example:
              dormouse agents create coder-1 --image my/agent:latest \\
                --command sleep infinity --env MODEL=x --idle-timeout 300 \\
                --exec /usr/local/bin/run-task --timeout 600
              dormouse agents create warm-1 --image my/agent:latest --command sleep infinity \\
                --pause-after 60 --idle-timeout 3600 --exec /usr/local/bin/run-task
              dormouse agents create web-1 --container my-web --lifecycle hot \\
                --http-port 8080 --http-path /run
              dormouse agents create local --host-command /usr/local/bin/worker
              dormouse agents create sh-1 --image busybox --exec sh --exec=-c --exec 'cat'
              dormouse agents create coder-2 --file agent.json

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name: lower-case letters, digits, '_', '.' and '-'.")
    var name: String

    @OptionGroup(title: "Agent fields") var agent: AgentFlags

    func run(client: ServerClient, output: CLIOutput) async throws {
        var fields = try agent.fields()
        if let given = fields["name"], given != .string(name) {
            throw CLIError.invalidInput("the file names the agent \(given.cell), not \(name)")
        }
        fields["name"] = .string(name)
        if agent.file == nil, fields["mode"] == nil {
            fields["mode"] = .string(agent.hostCommand.isEmpty ? "container" : "host")
        }
        let reply = try await client.send(.post, "/agents", json: .object(fields))
        if output.json { return output.json(reply.body) }
        output.line("created agent \(name)")
        output.line(AgentFormat.details(reply.json, color: output.color))
    }
}
