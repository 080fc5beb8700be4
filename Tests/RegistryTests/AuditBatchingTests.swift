import Dispatch
import GRDB
import InMemoryLogging
import Lifecycle
import Logging
import TestSupport
import Testing

@testable import Registry

/// The lifecycle path of the audit log: `receive` hands an event over without waiting for its commit, the
/// group commit writes it, and every read waits for what was handed over before it.
@Suite("Audit batching")
struct AuditBatchingTests {
    @Test func receivedEventsAreReadBackInOrderWithoutAFlush() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        // More than one transaction's worth, over three instances, types alternating.
        let count = AuditBatcher.maximumBatch * 2 + 7
        for index in 0..<count {
            let kind: LifecycleEvent.Kind =
                index.isMultiple(of: 2) ? .lazyStart(latency: .milliseconds(1)) : .lazyStop(idle: .seconds(1))
            await log.receive(event("agent-\(index % 3)", kind, at: Int64(index)))
        }
        let metrics = try await log.allMetrics()
        #expect(metrics.values.map { $0.counters.values.reduce(0, +) }.reduce(0, +) == count)
        #expect(metrics["agent-0"]?.counters["lazy_start"] == (count + 5) / 6)
        let newestOfAgent2 = try #require((0..<count).last { $0 % 3 == 2 })
        #expect(metrics["agent-2"]?.lastEvent?.ts == Int64(newestOfAgent2))
        #expect(metrics["agent-2"]?.lastEvent?.type == (newestOfAgent2.isMultiple(of: 2) ? "lazy_start" : "lazy_stop"))
        let rows = try await log.events(limit: count + 1)
        #expect(rows.map(\.ts) == (0..<count).map(Int64.init))
        #expect(Set(rows.map(\.id)).count == count)
    }

    @Test func theCountersOnDiskMatchTheCountersInMemory() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        do {
            let log = try database.open()
            for index in 0..<500 {
                await log.receive(event("agent-\(index % 7)", .lazyStartFailed(error: "e\(index)"), at: Int64(index)))
            }
            await log.flush()
            let inMemory = try await log.allMetrics()
            let reopened = try database.open()
            #expect(try await reopened.allMetrics() == inMemory)
            #expect(inMemory["agent-6"]?.lastEvent?.detail["error"] == .string("e496"))
        }
    }

    @Test func aFullBacklogHoldsTheProducerUntilTheWriterCatchesUp() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let pool = try DormouseDatabase.open(path: database.path)
        let log = try SQLiteAuditLog(database: pool, logger: TemporaryDatabase.logger, backlog: 2)
        // Hold the database's one writer, so the audit log's first transaction waits behind it.
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await pool.write { _ in
                enteredContinuation.yield()
                release.wait()
            }
        }
        for await _ in entered { break }
        // The first event leaves the queue as the (waiting) transaction's batch; two more fill the backlog.
        for ts in 1...3 { await log.receive(event("a", .lazyStart(latency: .zero), at: Int64(ts))) }
        let producer = Task { await log.receive(event("a", .lazyStop(idle: .zero), at: 4)) }
        try await waitUntil { await log.producersWaiting > 0 }
        #expect(try await rowCount(pool) == 0)
        release.signal()
        try await blocker.value
        await producer.value
        #expect(try await log.events().map(\.ts) == [1, 2, 3, 4])
        #expect(
            try await log.metrics(for: "a").counters == [
                "lazy_start": 3, "lazy_stop": 1, "lazy_start_failed": 0, "lazy_stop_failed": 0, "lazy_pause": 0,
                "lazy_pause_failed": 0, "lazy_resume": 0, "lazy_resume_failed": 0,
            ])
    }

    @Test func aFailedWriteIsLoggedWithTheWholeEventAndCountsNothing() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let (logger, logs) = InMemoryLogHandler.logger(label: "audit-test")
        let pool = try DormouseDatabase.open(path: database.path)
        let log = try SQLiteAuditLog(database: pool, logger: logger)
        try await pool.write { db in try db.execute(sql: "DROP TABLE lifecycle_events") }
        await log.receive(event("a", .lazyStart(latency: .milliseconds(5)), at: 42))
        await log.flush()
        let failures = logs.entries.filter {
            $0.level == .error && "\($0.message)".contains("could not write a lifecycle event")
        }
        #expect(failures.count == 1)
        #expect(failures.first?.text("agent.name") == "a")
        #expect(failures.first?.text("lifecycle.event") == "lazy_start")
        #expect(failures.first?.text("lifecycle.ts") == "42")
        #expect(try await log.metrics(for: "a") == .zero)
        // A caller that waits for its commit gets the error itself, and the writer goes on.
        await #expect(throws: (any Error).self) {
            try await log.record(event("a", .lazyStop(idle: .zero), at: 43))
        }
        #expect(logs.entries.filter { $0.level == .error }.count == 1)
    }

    private func rowCount(_ pool: DatabasePool) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lifecycle_events") ?? 0 }
    }
}
