import AsyncHTTPClient
import GRDB
import Hummingbird
import Lifecycle
import Logging
import Registry
import ServiceLifecycle
import WatchDaemon

/// Builds the Dormouse application; `serve` and the tests both use it (tests pass an in-memory runtime, a
/// temporary database, a test clock, listeners of their own and port 0). Loads the agents before it returns.
/// With `watch` the session watcher runs in the same process: it gets every lifecycle event (wakes), its
/// services join the app's and its health is served at `GET /watch/health`. `runtime` is the local engine
/// (`local`); `engines` are the other named engines (a `local` among them is ignored), each with its own
/// event subscription.
package func buildApplication<C: Clock<Duration>>(
    configuration: ServerConfiguration, runtime: any ContainerRuntime,
    engines namedRuntimes: [String: any ContainerRuntime] = [:], database: DatabasePool,
    httpClient: HTTPClient, clock: C, wallClock: WallClock = .system,
    listeners: [any LifecycleEventListener] = [], watch: WatchAssembly? = nil, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var runtimes = namedRuntimes
    runtimes[EngineSet.localName] = runtime
    var engineSet = EngineSet(runtimes: runtimes, logger: logger)
    engineSet.kubernetes = try await configuration.kubernetes?.makeMonitor(logger: logger)
    let engines = engineSet
    let broadcaster = EventBroadcaster(lastEventID: try await SQLiteAuditLog.lastEventID(in: database), clock: clock)
    let allowedHosts = AllowedHosts(configuration)
    let webhooks = WebhookDispatcher(
        database: database, settings: configuration.webhooks, clock: clock, wallClock: wallClock, logger: logger,
        isServerItself: { host, port in allowedHosts.reaches(host: host, port: port) })
    let auditLog = try SQLiteAuditLog(database: database, logger: logger) { records in
        await broadcaster.publish(records)
        webhooks.eventsCommitted()
    }
    let retention = AuditRetention(
        auditLog: auditLog, policy: configuration.auditRetention, clock: ContinuousClock(), logger: logger)
    let histogram = StartLatencyHistogram()
    let resumeHistogram = ResumeLatencyHistogram()
    let statistics = TaskStatistics()
    let watchListeners: [any LifecycleEventListener] = watch.map { [$0.wakes] } ?? []
    let registry = AgentRegistry(
        database: database, auditLog: auditLog, engines: engines,
        delivery: WorkerDelivery(httpClient: httpClient, logger: logger),
        listener: LifecycleEventListeners([histogram, resumeHistogram] + listeners + watchListeners),
        clock: clock, wallClock: wallClock, statistics: statistics,
        allowsHostAgents: configuration.allowsHostAgents,
        warmBudget: WarmMemoryBudget(limitBytes: configuration.warmMemoryLimitBytes), logger: logger)
    try await registry.boot()

    let streamTokens = StreamTokens()
    let router = Router()
    try addEdgeMiddleware(to: router, configuration, allowedHosts: allowedHosts, streamTokens: streamTokens)
    HealthController(engines: engines, auditLog: auditLog, hostAgentsEnabled: configuration.allowsHostAgents)
        .addRoutes(to: router)
    AgentsController(registry: registry).addRoutes(to: router)
    TasksController(registry: registry).addRoutes(to: router)
    EventsController(registry: registry).addRoutes(to: router)
    TimelineController(registry: registry, wallClock: wallClock).addRoutes(to: router)
    MetricsController(
        registry: registry, histogram: histogram, resumeHistogram: resumeHistogram, statistics: statistics,
        webhooks: webhooks.metrics
    ).addRoutes(to: router)
    WebhooksController(dispatcher: webhooks, wallClock: wallClock).addRoutes(to: router)
    try OpenAPIController.load().addRoutes(to: router)
    EventStreamController(broadcaster: broadcaster, auditLog: auditLog).addRoutes(to: router)
    try DashboardController.load(streamTokens: streamTokens).addRoutes(to: router)
    watch?.health.addRoutes(to: router, path: "/watch/health")
    WatchSessionsController(watch: watch).addRoutes(to: router)
    let host = configuration.host
    var app = Application(
        router: router,
        server: .guardedHTTP1(limits: configuration.connections, logger: logger),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "dormouse"),
        onServerRunning: { channel in
            await AcceptPauseHandler.install(on: channel, logger: logger)
            let port = channel.localAddress?.port ?? 0
            allowedHosts.listeningPort = port
            logger.notice("dormouse listening", metadata: ["http.url": "http://\(host):\(port)"])
            await onServerRunning(port)
        },
        logger: logger
    )
    // Shutdown runs in reverse: the server drains first (event streams end on the signal itself), then the
    // watcher flushes its posts, the broadcaster closes, the registry records interrupted tasks, webhook delivery
    // stops (after the last events are written: the next start delivers from the stored cursors), and the engine
    // subscriptions end.
    app.addServices(engines.all.map { $0.monitor as any Service })
    app.addServices(engines.all.compactMap { $0.swarm as (any Service)? })
    app.addServices(engines.kubernetes.map { [$0 as any Service] } ?? [])
    app.addServices(webhooks, retention, registry, broadcaster)
    app.addServices(watch?.services ?? [])
    return app
}
