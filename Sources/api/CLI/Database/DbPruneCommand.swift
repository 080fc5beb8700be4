import ArgumentParser
import DormouseClient
import Foundation
import Lifecycle
import Logging
import Registry

/// `dormouse db prune`: deletes old lifecycle audit rows from the database file, server running or not.
struct DbPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete old lifecycle audit rows; counters are kept.",
        discussion: """
            Works on the database file directly (SQLite in WAL mode lets a running server go on meanwhile). \
            Give --older-than (a number and d, h, m or s), --max-rows, or both.

            Example:
              dormouse db prune --older-than 30d
              dormouse db prune --older-than 12h --max-rows 100000 \\
                --db /var/lib/dormouse/dormouse.sqlite

            \(CLIExitCode.summary)
            """
    )

    @Option(help: ArgumentHelp("Delete rows older than this: 30d, 12h, 90m, 45s.", valueName: "age"))
    var olderThan: PruneAge?

    @Option(help: "Keep at most this many rows (the newest).")
    var maxRows: Int?

    @Option(help: "The database file (env DORMOUSE_DB, default ~/.local/share/dormouse/dormouse.sqlite).")
    var db: String?

    @Flag(help: "Print {\"deleted\": N} instead of a sentence.")
    var json = false

    func validate() throws {
        if olderThan == nil, maxRows == nil { throw ValidationError("give --older-than, --max-rows or both") }
        if let maxRows, maxRows < 0 { throw ValidationError("--max-rows must be 0 or more") }
    }

    func run() async throws {
        var configuration = ClientConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let db { configuration.databasePath = db }
        let output = CLIOutput(json: json, colorAllowed: configuration.colorAllowed)
        try await CLIFailure.reporting(to: output) {
            let deleted = try await prune(configuration.databasePath)
            if json { return output.line(JSONValue.object(["deleted": .integer(Int64(deleted))]).jsonText) }
            output.line("deleted \(deleted) audit row\(deleted == 1 ? "" : "s") from \(configuration.databasePath)")
        }
    }

    private func prune(_ path: String) async throws -> Int {
        // Opening a missing path would create an empty database: say it is not there instead.
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError.notFound("no database at \(path)") }
        var logger = Logger(label: "dormouse.db") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let database = try DormouseDatabase.open(path: path)
        let auditLog = try SQLiteAuditLog(database: database, logger: logger)
        let cutoff = olderThan.map { WallClock.system.millisecondsSinceEpoch - $0.milliseconds }
        let deleted = try await auditLog.prune(olderThan: cutoff, maxRows: maxRows)
        try DormouseDatabase.close(database)
        return deleted
    }
}
