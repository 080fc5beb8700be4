import AsyncHTTPClient
import DormouseClient
import Foundation
import GRDB
import Lifecycle
import Logging
import NIOCore
import NIOHTTP1
import Registry

/// Delivers one webhook's events, one at a time in audit order, at least once: it reads the audit rows after
/// its cursor, skips those its filters exclude, POSTs each other one until a 2xx, and stores the cursor after
/// each success. Failed attempts are retried after a backoff on `clock`; the worker sleeps on `doorbell` when
/// it has caught up. It ends when its task is cancelled.
struct WebhookWorker<C: Clock<Duration>>: Sendable {
    let webhook: Webhook
    let database: DatabasePool
    let client: HTTPClient
    let settings: WebhookSettings
    let clock: C
    let wallClock: WallClock
    let metrics: WebhookMetrics
    let logger: Logger
    /// Rung after every audit commit (at most one ring is kept).
    let doorbell: AsyncStream<Void>
    /// Whether a host and port reach this server: checked again before every attempt, as the server's own
    /// address may have changed since the webhook was added.
    let isServerItself: @Sendable (String, Int) -> Bool

    private var store: WebhookStore { WebhookStore(database: database) }

    /// The outcome of one attempt.
    enum Attempt: Sendable, Equatable {
        case delivered
        case failed(String)
    }

    func run() async {
        var state = webhook.delivery
        var saved = state
        var bell = doorbell.makeAsyncIterator()
        var logger = self.logger
        logger[metadataKey: "webhook.id"] = "\(webhook.id)"
        logger[metadataKey: "webhook.host"] = "\(Self.host(of: webhook.url))"
        // A webhook deleted while the dispatcher loaded the list at start may have been added after its removal
        // (a failed read goes on: delivery is what must not stop).
        if let stored = try? await store.exists(webhook.id), !stored { return }
        while !Task.isCancelled {
            let rows: [AuditRecord]
            do {
                rows = try await SQLiteAuditLog.events(in: database, afterID: state.cursor, limit: settings.batchSize)
            } catch {
                logger.error("could not read the audit log for a webhook", metadata: ["error": "\(error)"])
                guard (try? await clock.sleep(for: settings.backoffCap)) != nil else { return }
                continue
            }
            if rows.isEmpty {
                guard await bell.next() != nil else { return }
                continue
            }
            for row in rows {
                guard await handle(row, &state, &saved, logger: logger) else { return }
            }
            // Rows only filtered out or pruned move the cursor without a delivery: stored once per batch.
            if state != saved, await save(state, logger: logger) { saved = state }
        }
    }

    /// Delivers `row` (retrying until it succeeds) or skips it; false when the task was cancelled meanwhile.
    private func handle(
        _ row: AuditRecord, _ state: inout Webhook.Delivery, _ saved: inout Webhook.Delivery, logger: Logger
    ) async -> Bool {
        countPruned(before: row, &state, logger: logger)
        guard webhook.wants(instance: row.instance, broadcastType: EventFrame.broadcastType(of: row.type)) else {
            state.cursor = row.id
            return true
        }
        let body = EventFrame.webhookJSON(of: row)
        while true {
            let attempt = await post(body, eventID: row.id)
            if Task.isCancelled { return false }
            state.lastAttemptAt = wallClock.millisecondsSinceEpoch
            switch attempt {
            case .delivered:
                recordDelivery(of: row, &state, logger: logger)
                if await save(state, logger: logger) { saved = state }
                return true
            case .failed(let reason):
                let delay = recordFailure(reason, of: row, &state, logger: logger)
                if await save(state, logger: logger) { saved = state }
                guard (try? await clock.sleep(for: delay)) != nil else { return false }
            }
        }
    }

    /// Rows missing between the cursor and `row` were pruned from the audit log: counted as skipped, one line.
    private func countPruned(before row: AuditRecord, _ state: inout Webhook.Delivery, logger: Logger) {
        let pruned = row.id - state.cursor - 1
        guard pruned > 0 else { return }
        state.skipped += pruned
        metrics.count(webhook.id, .skipped, by: Int(pruned))
        logger.warning(
            "audit rows were pruned before this webhook delivered them; they are skipped",
            metadata: ["webhook.skipped": "\(pruned)", "audit.after_id": "\(state.cursor)"])
    }

    private func recordDelivery(of row: AuditRecord, _ state: inout Webhook.Delivery, logger: Logger) {
        if state.failing { logger.notice("webhook recovered", metadata: ["audit.id": "\(row.id)"]) }
        state.cursor = row.id
        state.consecutiveFailures = 0
        state.failing = false
        state.delivered += 1
        state.lastSuccessAt = state.lastAttemptAt
        metrics.count(webhook.id, .delivered)
    }

    /// Counts and logs a failed attempt (the one that makes the webhook failing says so); returns the wait
    /// before the next one.
    private func recordFailure(
        _ reason: String, of row: AuditRecord, _ state: inout Webhook.Delivery, logger: Logger
    ) -> Duration {
        state.consecutiveFailures += 1
        state.failed += 1
        state.lastError = reason
        metrics.count(webhook.id, .failed)
        let becameFailing = !state.failing && state.consecutiveFailures >= settings.failingAfter
        if becameFailing { state.failing = true }
        let delay = settings.retryDelay(afterFailures: state.consecutiveFailures)
        logger.log(
            level: becameFailing ? .error : .warning, becameFailing ? "webhook is failing" : "webhook delivery failed",
            metadata: [
                "error": "\(reason)", "audit.id": "\(row.id)", "webhook.failures": "\(state.consecutiveFailures)",
                "webhook.retry_in": "\(delay)",
            ])
        return delay
    }

    /// One POST of `body`, signed; a 2xx is a delivery, anything else (an error, a timeout) a failure.
    func post(_ body: String, eventID: Int64) async -> Attempt {
        guard let (host, port) = WebhookRequest.endpoint(of: webhook.url) else {
            return .failed("the URL is not an http:// or https:// URL with a host")
        }
        if isServerItself(host, port) { return .failed("the URL points at this Dormouse server itself") }
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        let timestamp = wallClock.millisecondsSinceEpoch / 1_000
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dormouse-webhook/\(DormouseVersion.current)")
        request.headers.add(name: "Dormouse-Event-Id", value: "\(eventID)")
        request.headers.add(name: "Dormouse-Webhook-Id", value: webhook.id)
        request.headers.add(
            name: WebhookSignature.headerName,
            value: WebhookSignature.header(secret: webhook.secret, timestamp: timestamp, body: body))
        request.body = .bytes(ByteBuffer(string: body))
        let deadline = NIODeadline.now() + .milliseconds(Int64(settings.timeout / .milliseconds(1)))
        do {
            let response = try await client.execute(request, deadline: deadline)
            // The answer's body is read (up to 64 KiB) so the connection can be kept; its content is ignored.
            _ = try? await response.body.collect(upTo: 64 * 1_024)
            guard (200..<300).contains(response.status.code) else {
                return .failed("HTTP \(response.status.code) \(response.status.reasonPhrase)")
            }
            return .delivered
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failed("no answer within \(settings.timeout)")
        } catch {
            return .failed(String("\(error)".prefix(300)))
        }
    }

    /// Stores the state; a failure is logged (delivery goes on, and a restart delivers from the stored cursor).
    private func save(_ state: Webhook.Delivery, logger: Logger) async -> Bool {
        do {
            try await store.save(webhook.id, state)
            return true
        } catch {
            logger.error("could not store a webhook's delivery state", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The host of `url`, for logs and the dashboard (never the path or query, which may hold a token).
    static func host(of url: String) -> String {
        WebhookRequest.endpoint(of: url)?.host ?? "?"
    }
}
