import Foundation
import GRDB
import Lifecycle
import Logging
import Registry
import Testing

/// A database file in a fresh temporary folder, removed at the end.
struct TemporaryDatabase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
    var path: String { folder.appendingPathComponent("state/dormouse.sqlite").path }

    static let logger: Logger = {
        var logger = Logger(label: "registry-test")
        logger.logLevel = .critical
        return logger
    }()

    func open() throws -> SQLiteAuditLog {
        try SQLiteAuditLog(database: try DormouseDatabase.open(path: path), logger: Self.logger)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

func event(_ instance: String, _ kind: LifecycleEvent.Kind, at ts: Int64) -> LifecycleEvent {
    LifecycleEvent(instance: instance, kind: kind, timestampMilliseconds: ts)
}

@Suite("SQLiteAuditLog")
struct SQLiteAuditLogTests {
    @Test func eachEventIsAuditedAndCountedInOneStep() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        let first = try await log.record(event("a", .lazyStart(latency: .milliseconds(312)), at: 1_000))
        let second = try await log.record(event("a", .lazyStop(idle: .seconds(300)), at: 2_000))
        #expect(second == first + 1)
        let metrics = try await log.metrics(for: "a")
        #expect(
            metrics.counters == [
                "lazy_start": 1, "lazy_start_failed": 0, "lazy_stop": 1, "lazy_stop_failed": 0, "lazy_pause": 0,
                "lazy_pause_failed": 0, "lazy_resume": 0, "lazy_resume_failed": 0,
            ])
        #expect(
            metrics.lastEvent
                == .init(
                    type: "lazy_stop", ts: 2_000, detail: ["idle_seconds": .number(300), "trigger": .string("idle")]))
        let rows = try await log.events(instance: "a")
        #expect(rows.map(\.type) == ["lazy_start", "lazy_stop"])
        #expect(rows[0].detail == ["latency_ms": .number(312), "trigger": .string("dispatch")])
    }

    @Test func instancesAreIsolatedAndUnknownOnesAreZero() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        await log.receive(event("a", .lazyStartFailed(error: "No such image: x"), at: 1))
        await log.receive(event("b", .lazyStopFailed(error: "boom"), at: 2))
        #expect(try await log.metrics(for: "a").counters["lazy_start_failed"] == 1)
        #expect(try await log.metrics(for: "a").counters["lazy_stop_failed"] == 0)
        #expect(try await log.metrics(for: "b").counters["lazy_stop_failed"] == 1)
        #expect(try await log.metrics(for: "c") == .zero)
        #expect(try await log.allMetrics().keys.sorted() == ["a", "b"])
        #expect(
            try await log.metrics(for: "a").lastEvent?.detail == [
                "error": .string("No such image: x"), "trigger": .string("dispatch"),
            ])
    }

    @Test func countersAndHistorySurviveARestart() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        do {
            let log = try database.open()
            try await log.record(event("a", .lazyStart(latency: .milliseconds(5)), at: 10))
            try await log.record(event("a", .lazyStop(idle: .seconds(1)), at: 20))
        }
        let reopened = try database.open()
        let metrics = try await reopened.metrics(for: "a")
        #expect(metrics.counters["lazy_start"] == 1 && metrics.counters["lazy_stop"] == 1)
        #expect(metrics.lastEvent?.type == "lazy_stop")
        #expect(try await reopened.events().count == 2)
    }

    @Test func aForgottenInstanceStartsFromZeroAlsoAfterARestart() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        do {
            let log = try database.open()
            try await log.record(event("a", .lazyStart(latency: .milliseconds(5)), at: 10))
            try await log.forget("a")
            #expect(try await log.metrics(for: "a") == .zero)
        }
        let reopened = try database.open()
        #expect(try await reopened.metrics(for: "a") == .zero)
        #expect(try await reopened.events(instance: "a").count == 1)  // history stays, counts do not come back
        try await reopened.record(event("a", .lazyStart(latency: .milliseconds(7)), at: 30))
        #expect(try await reopened.metrics(for: "a").counters["lazy_start"] == 1)
    }

    @Test func pruningByAgeAndRowCapLeavesCountersAlone() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        for ts in 1...10 { try await log.record(event("a", .lazyStart(latency: .milliseconds(1)), at: Int64(ts))) }
        #expect(try await log.prune(olderThan: 4, maxRows: nil) == 3)
        #expect(try await log.events().map(\.ts) == Array(4...10))
        #expect(try await log.prune(olderThan: nil, maxRows: 2) == 5)
        #expect(try await log.events().map(\.ts) == [9, 10])
        #expect(try await log.metrics(for: "a").counters["lazy_start"] == 10)
    }

    @Test func historyPagesAfterAnID() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        for ts in 1...5 {
            try await log.record(event(ts.isMultiple(of: 2) ? "b" : "a", .lazyStop(idle: .zero), at: Int64(ts)))
        }
        let firstPage = try await log.events(limit: 2)
        let secondPage = try await log.events(afterID: firstPage.last!.id, limit: 10)
        #expect((firstPage + secondPage).map(\.ts) == [1, 2, 3, 4, 5])
        #expect(try await log.events(instance: "b").map(\.ts) == [2, 4])
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let log = try database.open()
        try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<1_000 {
                group.addTask { try await log.record(event("a", .lazyStart(latency: .zero), at: Int64(index))) }
            }
            var ids = Set<Int64>()
            for try await id in group { ids.insert(id) }
            #expect(ids.count == 1_000)
        }
        #expect(try await log.metrics(for: "a").counters["lazy_start"] == 1_000)
    }

    @Test func schemaHasTheAuditIndexesAndUsesWAL() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let pool = try DormouseDatabase.open(path: database.path)
        let (indexes, mode) = try await pool.read { db in
            (
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lifecycle_events'"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode")
            )
        }
        #expect(Set(indexes).isSuperset(of: ["lifecycle_events_instance_ts", "lifecycle_events_ts"]))
        #expect(mode == "wal")
    }
}
