import Foundation
import GRDB
import Lifecycle
import Testing

@testable import Registry

/// The warm tier's four events in the audit log: counted per instance beside the seed's four, written as rows,
/// kept across a reopen, and counted in a database made before they existed (the v3 migration).
@Suite("Warm tier audit")
struct WarmTierAuditTests {
    static let all: [String: Int] = [
        "lazy_start": 1, "lazy_start_failed": 0, "lazy_stop": 0, "lazy_stop_failed": 0, "lazy_pause": 2,
        "lazy_pause_failed": 1, "lazy_resume": 1, "lazy_resume_failed": 1,
    ]

    @Test func pausesAndResumesAreCountedAuditedAndKeptAcrossAReopen() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        do {
            let log = try database.open()
            let kinds: [LifecycleEvent.Kind] = [
                .lazyStart(latency: .milliseconds(300)), .lazyPause(idle: .seconds(60)),
                .lazyResume(latency: .milliseconds(18)), .lazyPauseFailed(error: "frozen"),
                .lazyResumeFailed(error: "gone"), .lazyPause(idle: .seconds(61)),
            ]
            for (index, kind) in kinds.enumerated() {
                await log.receive(event("a", kind, at: Int64(1_000 + index)))
            }
            #expect(try await log.metrics(for: "a").counters == Self.all)
        }
        let reopened = try database.open()
        let metrics = try await reopened.metrics(for: "a")
        #expect(metrics.counters == Self.all)
        #expect(metrics.lastEvent?.type == "lazy_pause")
        #expect(metrics.lastEvent?.detail == ["idle_seconds": .number(61), "trigger": .string("idle")])
        // A paused worker is not a stopped one: the controller is told it was last seen running.
        #expect(metrics.recordedRunning)
        let rows = try await reopened.events(instance: "a")
        #expect(
            rows.map(\.type) == [
                "lazy_start", "lazy_pause", "lazy_resume", "lazy_pause_failed", "lazy_resume_failed", "lazy_pause",
            ])
        #expect(rows[2].detail == ["latency_ms": .number(18), "trigger": .string("dispatch")])
        #expect(rows[3].detail == ["error": .string("frozen"), "trigger": .string("idle")])
        #expect(rows[4].detail == ["error": .string("gone"), "trigger": .string("dispatch")])
        #expect(
            metrics.json.hasPrefix(
                #"{"counters":{"lazy_start":1,"lazy_start_failed":0,"lazy_stop":0,"lazy_stop_failed":0,"#
                    + #""lazy_pause":2,"lazy_pause_failed":1,"lazy_resume":1,"lazy_resume_failed":1},"#))
    }

    /// Which newest event leaves the worker recorded as running (so a restart reports no transition for it).
    @Test(arguments: [
        ("lazy_start", true), ("lazy_start_failed", false), ("lazy_stop", false), ("lazy_stop_failed", true),
        ("lazy_pause", true), ("lazy_pause_failed", true), ("lazy_resume", true), ("lazy_resume_failed", true),
    ])
    func recordedRunningAfter(type: String, running: Bool) {
        var metrics = InstanceMetrics.zero
        #expect(!metrics.recordedRunning)
        metrics.lastEvent = .init(type: type, ts: 1, detailJSON: "{}")
        #expect(metrics.recordedRunning == running)
    }

    /// A database from before the warm tier (v2) keeps its counters and rows, starts the new counters at zero and
    /// counts new events into them; its tasks read `resumed` as null.
    @Test func aV2DatabaseIsMigrated() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: database.path).deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            let old = try DatabaseQueue(path: database.path)
            try DatabaseMigrations.migrator.migrate(old, upTo: "v2: agents and tasks")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO instance_metrics (instance, lazy_start, lazy_start_failed, lazy_stop, lazy_stop_failed,
                            last_event_type, last_event_ts, last_event_detail_json)
                        VALUES ('a', 3, 1, 2, 0, 'lazy_stop', 5, '{"idle_seconds":300,"trigger":"idle"}')
                        """)
                try db.execute(
                    sql: """
                        INSERT INTO tasks (id, agent_id, agent, status, payload_json, created_at, cold_start)
                        VALUES ('t1', 1, 'a', 'succeeded', '1', 1, 1)
                        """)
            }
            try old.close()
        }
        let log = try database.open()
        var expected: [String: Int] = [
            "lazy_start": 3, "lazy_start_failed": 1, "lazy_stop": 2, "lazy_stop_failed": 0, "lazy_pause": 0,
            "lazy_pause_failed": 0, "lazy_resume": 0, "lazy_resume_failed": 0,
        ]
        #expect(try await log.metrics(for: "a").counters == expected)
        try await log.record(event("a", .lazyResume(latency: .milliseconds(20)), at: 10))
        expected["lazy_resume"] = 1
        #expect(try await log.metrics(for: "a").counters == expected)

        let pool = try DormouseDatabase.open(path: database.path)
        let task = try await TaskStore(database: pool).task(id: "t1")
        #expect(task?.coldStart == true)
        #expect(task?.resumed == nil)
    }
}
