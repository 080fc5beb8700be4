import ArgumentParser
import DormouseClient

/// The `dormouse` command: the server and the operator's tools.
package struct DormouseCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "dormouse",
        abstract: "Keeps AI-agent workers asleep in Docker containers and wakes them on demand.",
        discussion: """
            `serve` runs the server; `agents`, `dispatch`, `tasks`, `events` and `webhooks` talk to a running one (--url, env \
            DORMOUSE_URL, default \(ClientConfiguration.defaultURL); --token, env DORMOUSE_API_TOKEN); `db` \
            works on the database file itself; `watch` keeps a live chat post per agent session \
            (`watch --help`).

            Example:
              dormouse serve &
              dormouse agents create coder-1 --image my/agent --exec run-task
              dormouse dispatch coder-1 '{"issue": 12}' --wait

            \(CLIExitCode.summary)
            """,
        version: DormouseVersion.current,
        subcommands: [
            ServeCommand.self, WatchCommand.self, AgentsCommand.self, DispatchCommand.self, TasksCommand.self,
            EventsCommand.self, WebhooksCommand.self, DbCommand.self,
        ]
    )

    package init() {}
}
