import Hummingbird
import Logging
import WatchDaemon

/// Builds the standalone watcher's HTTP listener: only `GET /health` on `host:port` (200 ok, 503 degraded),
/// without auth, so bind it to loopback. `onServerRunning` receives the bound port (useful with port 0).
package func buildWatchHealthApplication(
    health: WatchHealthController, host: String, port: Int, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router()
    router.addMiddleware {
        RequestLogMiddleware()
        ProblemMiddleware()
    }
    health.addRoutes(to: router, path: "/health", degradedStatus: .serviceUnavailable)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "dormouse-watch"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            logger.notice("watch health listening", metadata: ["http.url": "http://\(host):\(port)/health"])
            await onServerRunning(port)
        },
        logger: logger)
}
