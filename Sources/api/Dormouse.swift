import ArgumentParser

/// The `dormouse` command: the server and the operator's tools.
@main
struct Dormouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dormouse",
        abstract: "Keeps AI-agent workers asleep in Docker containers and wakes them on demand.",
        version: DormouseVersion.current,
        subcommands: [ServeCommand.self, WatchCommand.self]
    )
}

/// The version this binary reports.
enum DormouseVersion {
    static let current = "0.1.0"
}
