import ArgumentParser

/// `dormouse tasks`: look at tasks and their results.
struct TasksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Show a task, or list an agent's tasks.",
        discussion: """
            Example:
              dormouse tasks list --agent coder-1 --status failed
              dormouse tasks show 01JABCDEF

            \(CLIExitCode.summary)
            """,
        subcommands: [TasksShowCommand.self, TasksListCommand.self]
    )
}
