import Lifecycle
import Logging
import ServiceLifecycle

/// Prunes the audit table periodically: rows older than `maxAge` and beyond `maxRows`. Counters stay.
package struct AuditRetention<C: Clock<Duration>>: Service {
    /// What to keep.
    package struct Policy: Sendable, Hashable {
        package var maxAge: Duration?
        package var maxRows: Int?
        package var interval: Duration

        package init(
            maxAge: Duration? = .seconds(90 * 86_400), maxRows: Int? = nil, interval: Duration = .seconds(3_600)
        ) {
            self.maxAge = maxAge
            self.maxRows = maxRows
            self.interval = interval
        }
    }

    let auditLog: SQLiteAuditLog
    let policy: Policy
    let clock: C
    let wallClock: WallClock
    let logger: Logger

    package init(auditLog: SQLiteAuditLog, policy: Policy, clock: C, wallClock: WallClock = .system, logger: Logger) {
        self.auditLog = auditLog
        self.policy = policy
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
    }

    /// Prunes once now; returns how many rows went.
    @discardableResult
    package func pruneOnce() async throws -> Int {
        let cutoff = policy.maxAge.map { wallClock.millisecondsSinceEpoch - Int64($0.milliseconds) }
        let deleted = try await auditLog.prune(olderThan: cutoff, maxRows: policy.maxRows)
        if deleted > 0 { logger.info("pruned the lifecycle audit log", metadata: ["audit.deleted_rows": "\(deleted)"]) }
        return deleted
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(for: policy.interval) }
            } catch {
                return
            }
            do {
                try await pruneOnce()
            } catch {
                logger.error("could not prune the lifecycle audit log", metadata: ["error": "\(error)"])
            }
        }
    }
}
