import GRDB
import Lifecycle

/// Group commit for the audit log, and the one writer of its rows and counters. Events are written in queue
/// order, up to `maximumBatch` per transaction: everything that arrives while a transaction is being written
/// goes into the next one. `submit` returns once the event's row is committed; `enqueue` returns as soon as
/// the event is queued (waiting only while its backlog is full), and `flush` waits for
/// everything queued before it. Reads go through `flush` first, so what a caller has handed over is always
/// in what it reads back.
actor AuditBatcher {
    /// An event ready to write, its detail already encoded.
    struct Pending: Sendable {
        var event: LifecycleEvent
        var detailJSON: String
    }

    /// Bounds one transaction, and so the wait of the callers in it.
    static let maximumBatch = 2_000
    /// Bounds the events held in memory by default; `enqueue` waits while this many are waiting.
    static let defaultBacklog = 20_000

    private struct Entry {
        var pending: Pending
        /// The caller waiting for the commit, for `submit`.
        var waiter: CheckedContinuation<Int64, any Error>?
    }

    private let database: DatabasePool
    private let backlog: Int
    private var queue: [Entry] = []
    private var draining = false
    /// Events ever queued, and events written or failed, in queue order; `flush` waits for the second to catch
    /// up with the first.
    private var queued: UInt64 = 0
    private var settled: UInt64 = 0
    private var flushWaiters: [(target: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []
    /// Every instance's counters, read at start and then kept up to date by the commits here (the only
    /// writer), so listing many agents reads no rows.
    private var metrics: [String: InstanceMetrics]

    /// Told of every committed batch, in id order, before the writers are resumed.
    private let onCommit: @Sendable ([AuditRecord]) async -> Void
    /// Told of every event whose write failed and that nobody waits for (so it can be logged, never lost
    /// silently).
    private let onFailure: @Sendable (LifecycleEvent, any Error) -> Void

    init(
        database: DatabasePool, backlog: Int = defaultBacklog,
        onCommit: @escaping @Sendable ([AuditRecord]) async -> Void,
        onFailure: @escaping @Sendable (LifecycleEvent, any Error) -> Void
    ) throws {
        self.database = database
        self.backlog = backlog
        self.onCommit = onCommit
        self.onFailure = onFailure
        self.metrics = try database.read { db in try SQLiteAuditLog.loadMetrics(db) }
    }

    /// Queues the event and returns its row id once it is committed.
    func submit(_ pending: Pending) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            append(Entry(pending: pending, waiter: continuation))
        }
    }

    /// Queues the event; it is committed with the next transaction. Waits only while the backlog is full.
    /// Producers held up that way are let in when a batch leaves the queue.
    func enqueue(_ pending: Pending) async {
        while queue.count >= backlog {
            await withCheckedContinuation { roomWaiters.append($0) }
        }
        append(Entry(pending: pending, waiter: nil))
    }

    /// Returns once every event queued before the call is committed (or has failed and been reported).
    func flush() async {
        let target = queued
        guard settled < target else { return }
        await withCheckedContinuation { flushWaiters.append((target, $0)) }
    }

    /// How many producers are waiting for room in the backlog.
    var producersWaiting: Int { roomWaiters.count }

    private func append(_ entry: Entry) {
        queue.append(entry)
        queued += 1
        guard !draining else { return }
        draining = true
        // One drain task at a time, ending as soon as the queue is empty.
        Task { await self.drain() }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(Self.maximumBatch))
            queue.removeFirst(batch.count)
            let room = roomWaiters
            roomWaiters = []
            for waiter in room { waiter.resume() }
            await write(batch)
            settled += UInt64(batch.count)
            // Targets only grow, so the waiters that are done are a prefix.
            let done = flushWaiters.prefix { $0.target <= settled }
            flushWaiters.removeFirst(done.count)
            for waiter in done { waiter.continuation.resume() }
        }
        draining = false
    }

    private func write(_ batch: [Entry]) async {
        let events = batch.map(\.pending)
        do {
            let ids = try await database.write { db in try Self.insert(events, into: db) }
            for event in events { count(event) }
            let records = zip(events, ids).map { pending, id in
                AuditRecord(
                    id: id, instance: pending.event.instance, type: pending.event.type,
                    ts: pending.event.timestampMilliseconds, detail: pending.event.detail)
            }
            await onCommit(records)
            for (entry, record) in zip(batch, records) { entry.waiter?.resume(returning: record.id) }
        } catch {
            for entry in batch {
                if let waiter = entry.waiter {
                    waiter.resume(throwing: error)
                } else {
                    onFailure(entry.pending.event, error)
                }
            }
        }
    }

    /// The counters of every instance.
    func allMetrics() async -> [String: InstanceMetrics] {
        await flush()
        return metrics
    }

    /// Drops an instance's counters.
    func forget(_ instance: String) async throws {
        await flush()
        try await database.write { db in
            try db.execute(sql: "DELETE FROM instance_metrics WHERE instance = ?", arguments: [instance])
        }
        // After the delete, so a commit that landed before it is forgotten too.
        metrics[instance] = nil
    }

    private func count(_ pending: Pending) {
        let event = pending.event
        var current = metrics[event.instance] ?? .zero
        current.counters[event.type, default: 0] += 1
        current.lastEvent = .init(type: event.type, ts: event.timestampMilliseconds, detailJSON: pending.detailJSON)
        metrics[event.instance] = current
    }

    /// The audit rows and the counter updates, in the caller's transaction; returns the rows' ids. The
    /// counters are summed per instance first, so a batch updates each instance's row once.
    private static func insert(_ events: [Pending], into db: Database) throws -> [Int64] {
        let insert = try db.cachedStatement(
            sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, ?, ?, ?)")
        var ids: [Int64] = []
        ids.reserveCapacity(events.count)
        var changes = InstanceMetricsChanges()
        for pending in events {
            let event = pending.event
            try insert.execute(arguments: [event.instance, event.type, event.timestampMilliseconds, pending.detailJSON])
            ids.append(db.lastInsertedRowID)
            changes.add(event, detailJSON: pending.detailJSON)
        }
        try changes.write(into: db)
        return ids
    }
}
