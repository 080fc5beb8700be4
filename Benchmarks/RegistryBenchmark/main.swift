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

/// The lifecycle controllers' path: `receive` hands each event to the writer without waiting for its commit;
/// timed until the last event is committed (`flush`), then checked against the table.
func receiveRate(count: Int, producers: Int) async throws {
    let path = temporaryPath("receive.sqlite")
    defer { removeDatabase(path) }
    let pool = try DormouseDatabase.open(path: path)
    let log = try SQLiteAuditLog(database: pool, logger: logger)
    let perProducer = count / producers
    let elapsed = await ContinuousClock().measure {
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in 0..<perProducer { await log.receive(event(producer * perProducer + index)) }
                }
            }
            await group.waitForAll()
        }
        await log.flush()
    }
    let rows = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lifecycle_events") ?? 0 }
    precondition(rows == perProducer * producers, "\(rows) rows for \(perProducer * producers) events")
    let rate = Double(rows) / elapsed.seconds
    print(
        "audit insert via receive (the lifecycle path), \(producers) producer(s): \(Int(rate)) events/s "
            + "(\(rows) events committed in \(String(format: "%.2f", elapsed.seconds)) s)")
}

/// `record` returns only once the event's own row is committed; concurrent writers share a transaction.
func recordRate(count: Int, writers: Int) async throws {
    let path = temporaryPath("insert.sqlite")
    defer { removeDatabase(path) }
    let log = try SQLiteAuditLog(database: try DormouseDatabase.open(path: path), logger: logger)
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
        "audit insert via record (each caller waits for its commit), \(writers) writer(s): \(Int(rate)) events/s "
            + "(\(perWriter * writers) events in \(String(format: "%.2f", elapsed.seconds)) s)")
}

/// Boot = open the file, run migrations, read every instance's counters; each run ends the way `serve` does
/// (checkpoint, close).
func bootTime(auditRows: Int) async throws -> Duration {
    let path = temporaryPath("boot.sqlite")
    defer { removeDatabase(path) }
    do {
        let pool = try DormouseDatabase.open(path: path)
        let log = try SQLiteAuditLog(database: pool, logger: logger)
        for index in 0..<100 { try await log.record(event(index)) }
        // Fill the audit table in bulk: the figure is about reading it back at boot, not writing it.
        try await pool.write { db in
            let statement = try db.makeStatement(
                sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, 'lazy_start', ?, ?)")
            for index in 0..<auditRows {
                try statement.execute(arguments: ["agent-\(index % 100)", index, #"{"latency_ms":300}"#])
            }
        }
        try DormouseDatabase.close(pool)
    }
    var samples: [Duration] = []
    for _ in 0..<7 {
        samples.append(
            try await ContinuousClock().measure {
                let pool = try DormouseDatabase.open(path: path)
                let metrics = try await SQLiteAuditLog(database: pool, logger: logger).allMetrics()
                precondition(metrics.count == 100)
                try DormouseDatabase.close(pool)
            })
    }
    return samples.sorted()[samples.count / 2]
}

try await receiveRate(count: 500_000, producers: 1)
try await receiveRate(count: 500_000, producers: 100)
try await recordRate(count: 20_000, writers: 1)
try await recordRate(count: 200_000, writers: 100)
try await recordRate(count: 400_000, writers: 1_000)
let small = try await bootTime(auditRows: 1_000)
let large = try await bootTime(auditRows: 1_000_000)
print(
    "boot (open + migrate + read counters), median of 7: 1,000 audit rows \(String(format: "%.2f", small.milliseconds)) ms; "
        + "1,000,000 rows \(String(format: "%.2f", large.milliseconds)) ms; ratio \(String(format: "%.2f", large / small))"
)
