import GRDB
import Hummingbird
import Lifecycle
import Logging
import Registry

/// Builds the Dormouse application; `serve` and the tests both use it (tests pass an in-memory runtime, a
/// temporary database and port 0).
func buildApplication(
    configuration: ServerConfiguration, runtime: any ContainerRuntime, database: DatabasePool, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let monitor = ContainerEventMonitor(runtime: runtime, logger: logger)
    let auditLog = SQLiteAuditLog(database: database, logger: logger)
    let retention = AuditRetention(
        auditLog: auditLog, policy: configuration.auditRetention, clock: ContinuousClock(), logger: logger)
    let router = Router()
    router.addMiddleware { LogRequestsMiddleware(.debug) }
    HealthController(runtime: runtime, monitor: monitor, auditLog: auditLog).addRoutes(to: router)
    let host = configuration.host
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "dormouse"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            logger.notice("dormouse listening", metadata: ["http.url": "http://\(host):\(port)"])
            await onServerRunning(port)
        },
        logger: logger
    )
    app.addServices(monitor, retention)
    return app
}
