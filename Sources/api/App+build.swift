import Hummingbird
import Lifecycle
import Logging

/// Builds the Dormouse application; `serve` and the tests both use it (tests pass an in-memory runtime and
/// port 0).
func buildApplication(
    configuration: ServerConfiguration, runtime: any ContainerRuntime, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let monitor = ContainerEventMonitor(runtime: runtime, logger: logger)
    let router = Router()
    router.addMiddleware { LogRequestsMiddleware(.debug) }
    HealthController(runtime: runtime, monitor: monitor).addRoutes(to: router)
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
    app.addServices(monitor)
    return app
}
