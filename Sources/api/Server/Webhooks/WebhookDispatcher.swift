import AsyncHTTPClient
import GRDB
import Lifecycle
import Logging
import NIOCore
import Registry
import ServiceLifecycle
import Synchronization

/// Delivers the lifecycle audit to every webhook: one worker task per webhook, so a slow or failing receiver
/// holds up only itself. Workers are woken by `eventsCommitted()` (the audit log's commit callback: it only
/// rings, never waits for HTTP) and by their retry timers. Webhooks added or removed while it runs start or
/// stop their worker. The HTTP client is its own (redirects refused, so a receiver cannot send a delivery on
/// to another address) and lives as long as `run`.
final class WebhookDispatcher<C: Clock<Duration>>: Service, Sendable {
    private struct Handles: Sendable {
        var doorbell: AsyncStream<Void>.Continuation
        var stop: AsyncStream<Void>.Continuation
    }

    private struct Start: Sendable {
        var webhook: Webhook
        var doorbell: AsyncStream<Void>
        var stop: AsyncStream<Void>
    }

    let database: DatabasePool
    let settings: WebhookSettings
    let clock: C
    let wallClock: WallClock
    let metrics = WebhookMetrics()
    let logger: Logger
    /// Whether a host and port reach this server (a webhook there is never posted to).
    let isServerItself: @Sendable (String, Int) -> Bool
    private let workers = Mutex<[String: Handles]>([:])
    private let starts: AsyncStream<Start>
    private let startsContinuation: AsyncStream<Start>.Continuation

    init(
        database: DatabasePool, settings: WebhookSettings, clock: C, wallClock: WallClock, logger: Logger,
        isServerItself: @escaping @Sendable (String, Int) -> Bool
    ) {
        self.database = database
        self.isServerItself = isServerItself
        self.settings = settings
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        (starts, startsContinuation) = AsyncStream.makeStream(of: Start.self)
    }

    /// Wakes every worker to read what was committed; returns at once.
    func eventsCommitted() {
        let doorbells = workers.withLock { $0.values.map(\.doorbell) }
        for doorbell in doorbells { doorbell.yield() }
    }

    /// Starts delivering to `webhook` (once: a webhook already delivered to is left as it is).
    func add(_ webhook: Webhook) {
        let (doorbell, doorbellContinuation) = AsyncStream.makeStream(
            of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (stop, stopContinuation) = AsyncStream.makeStream(of: Void.self)
        let added = workers.withLock { workers in
            guard workers[webhook.id] == nil else { return false }
            workers[webhook.id] = Handles(doorbell: doorbellContinuation, stop: stopContinuation)
            return true
        }
        // Rung once, so the worker reads what is there when it starts.
        if added {
            doorbellContinuation.yield()
            startsContinuation.yield(Start(webhook: webhook, doorbell: doorbell, stop: stop))
        }
    }

    /// Stops delivering to the webhook `id` (an attempt under way is cancelled).
    func remove(_ id: String) {
        workers.withLock { $0.removeValue(forKey: id) }?.stop.finish()
        metrics.forget(id)
    }

    func run() async throws {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .milliseconds(Int64(settings.timeout / .milliseconds(1))))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            for webhook in try await WebhookStore(database: database).all() { add(webhook) }
        } catch {
            logger.error("could not read the webhooks; none is delivered to", metadata: ["error": "\(error)"])
        }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await start in self.starts {
                    let worker = WebhookWorker(
                        webhook: start.webhook, database: self.database, client: client, settings: self.settings,
                        clock: self.clock, wallClock: self.wallClock, metrics: self.metrics, logger: self.logger,
                        doorbell: start.doorbell, isServerItself: self.isServerItself)
                    group.addTask { await Self.run(worker, until: start.stop) }
                }
            }
        }
        try await client.shutdown()
    }

    /// Runs the worker until it ends or `stop` finishes (the webhook was deleted), whichever comes first.
    private static func run(_ worker: WebhookWorker<C>, until stop: AsyncStream<Void>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await worker.run() }
            group.addTask { for await _ in stop {} }
            await group.next()
            group.cancelAll()
        }
    }
}
