import Foundation
import GRDB

/// Opens Dormouse's one SQLite database file (WAL) and brings its schema up to date.
package enum DormouseDatabase {
    /// Opens (creating it and its folder if needed) the database at `path` and runs pending migrations.
    package static func open(path: String) throws -> DatabasePool {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // In WAL mode NORMAL syncs at checkpoints, not on every commit: the database cannot be corrupted, and
        // only an OS crash or power loss (not a crash of Dormouse) can lose the last commits.
        // Checkpoints (and their fsync) every 10,000 WAL pages (≈ 40 MB) instead of SQLite's 1,000: with many
        // concurrent audit writers this lifted the insert rate from ≈ 45k to ≈ 62k events/s (BENCHMARKS.md).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try DatabaseMigrations.migrator.migrate(pool)
        return pool
    }

    /// Copies the write-ahead log into the database file, truncates the log, and closes every connection,
    /// so the next start has no log to read back (opening reads the whole log, which after a busy run can be
    /// tens of megabytes: boot time would follow what was written last, not stay flat).
    package static func close(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }

    /// The default database file: `$XDG_DATA_HOME/dormouse/dormouse.sqlite`, else under `~/.local/share`.
    package static func defaultPath(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return "\(data)/dormouse/dormouse.sqlite" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.local/share/dormouse/dormouse.sqlite"
    }
}
