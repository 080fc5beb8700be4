import ArgumentParser

/// `dormouse db`: maintenance of the database file itself.
struct DbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Maintain the Dormouse database file directly (the server may be running).",
        discussion: """
            Example:
              dormouse db prune --older-than 30d

            \(CLIExitCode.summary)
            """,
        subcommands: [DbPruneCommand.self]
    )
}
