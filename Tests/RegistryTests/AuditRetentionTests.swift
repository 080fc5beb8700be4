import Lifecycle
import Registry
import TestSupport
import Testing

@Suite("AuditRetention")
struct AuditRetentionTests {
    @Test func prunesOnEveryIntervalWithoutTouchingCounters() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        let now: Int64 = 10_000_000
        for age in [5_000, 3_000, 1_000] as [Int64] {
            try await log.record(event("a", .lazyStart(latency: .zero), at: now - age))
        }
        let clock = TestClock()
        let retention = AuditRetention(
            auditLog: log, policy: .init(maxAge: .seconds(2), maxRows: nil, interval: .seconds(60)), clock: clock,
            wallClock: WallClock { now * 1_000_000 }, logger: TemporaryDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await retention.run() }
            await clock.waitForSleeper(until: .init(offset: .seconds(60)))
            let before = try await log.events()
            #expect(before.count == 3)
            clock.advance(by: .seconds(60))
            // The next sleep is armed only after the prune finished.
            await clock.waitForSleeper(until: .init(offset: .seconds(120)))
            let after = try await log.events()
            let metrics = try await log.metrics(for: "a")
            #expect(after.map(\.ts) == [now - 1_000])
            #expect(metrics.counters["lazy_start"] == 3)
            group.cancelAll()
        }
    }
}
