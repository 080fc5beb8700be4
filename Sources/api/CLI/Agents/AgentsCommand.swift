import ArgumentParser
import DormouseClient

/// `dormouse agents`: the operator's commands for agents.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "List, declare, change, delete, start and stop agents on a running server.",
        discussion: """
            Talks to the server at --url (env DORMOUSE_URL, default \(ClientConfiguration.defaultURL)) with \
            --token (env DORMOUSE_API_TOKEN). Human tables by default; --json prints the server's JSON.

            Example:
              dormouse agents list
              dormouse agents create coder-1 --image my/agent --exec run-task

            \(CLIExitCode.summary)
            """,
        subcommands: [
            AgentsListCommand.self, AgentsShowCommand.self, AgentsCreateCommand.self, AgentsUpdateCommand.self,
            AgentsDeleteCommand.self, AgentsStartCommand.self, AgentsStopCommand.self,
        ]
    )
}
