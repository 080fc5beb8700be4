import DormouseClient
import Hummingbird
import Lifecycle
import Registry

/// `GET /health`: whether Dormouse, its database and its Docker engine answer, and whether host-mode agents
/// are enabled. Never requires auth.
struct HealthController: Sendable {
    let runtime: any ContainerRuntime
    let monitor: ContainerEventMonitor
    let auditLog: SQLiteAuditLog
    /// `DORMOUSE_ALLOW_HOST_AGENTS` / `serve --allow-host-agents`.
    var hostAgentsEnabled = false

    /// The health document.
    struct Health: ResponseEncodable, Decodable, Equatable {
        struct Engine: Codable, Equatable {
            var reachable: Bool
            var version: String?
            var error: String?
            var eventsConnected: Bool

            enum CodingKeys: String, CodingKey {
                case reachable, version, error
                case eventsConnected = "events_connected"
            }
        }

        struct Database: Codable, Equatable {
            var ok: Bool
            var error: String?
        }

        var status: String
        var version: String
        var engine: Engine
        var database: Database
        /// Whether host-mode agents may be declared and run (`DORMOUSE_ALLOW_HOST_AGENTS`).
        var hostAgentsEnabled: Bool

        enum CodingKeys: String, CodingKey {
            case status, version, engine, database
            case hostAgentsEnabled = "host_agents_enabled"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        // The server answers 200 even when the engine is down: the body says which part is degraded.
        router.get("/health") { _, _ -> EditedResponse<Health> in
            EditedResponse(headers: [.cacheControl: "no-store"], response: await check())
        }
    }

    func check() async -> Health {
        let engine: Health.Engine
        do {
            let version = try await runtime.ping()
            engine = .init(reachable: true, version: version, eventsConnected: monitor.isConnected)
        } catch {
            engine = .init(reachable: false, error: "\(error)", eventsConnected: monitor.isConnected)
        }
        let database: Health.Database
        do {
            try await auditLog.checkReadable()
            database = .init(ok: true)
        } catch {
            database = .init(ok: false, error: "\(error)")
        }
        let healthy = engine.reachable && database.ok
        return Health(
            status: healthy ? "ok" : "degraded", version: DormouseVersion.current, engine: engine, database: database,
            hostAgentsEnabled: hostAgentsEnabled)
    }
}
