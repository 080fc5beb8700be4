import Foundation
import GRDB
import Lifecycle
import Logging
import Registry

// Registry benchmark (`make bench`): audit insert rate, and boot time against the size of the audit table.

let logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    return logger
}()

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-bench-\(UUID().uuidString)/\(name)").path
}

func removeDatabase(_ path: String) {
    try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
}

func event(_ index: Int, instances: Int = 100) -> LifecycleEvent {
    let kind: LifecycleEvent.Kind =
        index.isMultiple(of: 2) ? .lazyStart(latency: .milliseconds(300)) : .lazyStop(idle: .seconds(300))
    return LifecycleEvent(instance: "agent-\(index % instances)", kind: kind, timestampMilliseconds: Int64(index))
}

func insertRate(count: Int, writers: Int) async throws {
    let path = temporaryPath("insert.sqlite")
    defer { removeDatabase(path) }
    let log = SQLiteAuditLog(database: try DormouseDatabase.open(path: path), logger: logger)
    let perWriter = count / writers
    let elapsed = try await ContinuousClock().measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter { try await log.record(event(writer * perWriter + index)) }
                }
            }
            try await group.waitForAll()
        }
    }
    let rate = Double(perWriter * writers) / elapsed.seconds
    print(
        "audit insert, \(writers) writer(s): \(Int(rate)) events/s (\(perWriter * writers) events in "
            + "\(String(format: "%.2f", elapsed.seconds)) s; concurrent events share a transaction)")
}

/// Boot = open the file, run migrations, read every instance's counters.
func bootTime(auditRows: Int) async throws -> Duration {
    let path = temporaryPath("boot.sqlite")
    defer { removeDatabase(path) }
    do {
        let pool = try DormouseDatabase.open(path: path)
        let log = SQLiteAuditLog(database: pool, logger: logger)
        for index in 0..<100 { try await log.record(event(index)) }
        // Fill the audit table in bulk: the figure is about reading it back at boot, not writing it.
        try await pool.write { db in
            let statement = try db.makeStatement(
                sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, 'lazy_start', ?, ?)")
            for index in 0..<auditRows {
                try statement.execute(arguments: ["agent-\(index % 100)", index, #"{"latency_ms":300}"#])
            }
        }
        try pool.close()
    }
    var samples: [Duration] = []
    for _ in 0..<7 {
        samples.append(
            try await ContinuousClock().measure {
                let pool = try DormouseDatabase.open(path: path)
                let metrics = try await SQLiteAuditLog(database: pool, logger: logger).allMetrics()
                precondition(metrics.count == 100)
                try pool.close()
            })
    }
    return samples.sorted()[samples.count / 2]
}

try await insertRate(count: 20_000, writers: 1)
try await insertRate(count: 40_000, writers: 8)
try await insertRate(count: 200_000, writers: 100)
try await insertRate(count: 400_000, writers: 1_000)
let small = try await bootTime(auditRows: 1_000)
let large = try await bootTime(auditRows: 1_000_000)
print(
    "boot (open + migrate + read counters), median of 7: 1,000 audit rows \(String(format: "%.2f", small.milliseconds)) ms; "
        + "1,000,000 rows \(String(format: "%.2f", large.milliseconds)) ms; ratio \(String(format: "%.2f", large / small))"
)
