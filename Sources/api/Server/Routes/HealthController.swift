import DormouseClient
import Hummingbird
import Lifecycle
import Registry

/// `GET /health`: whether Dormouse, its database and its Docker engines answer (`engine` is the local one, as
/// before several engines; `engines` has each by name), and whether host-mode agents are enabled. Never
/// requires auth.
struct HealthController: Sendable {
    let engines: EngineSet
    let auditLog: SQLiteAuditLog
    /// `DORMOUSE_ALLOW_HOST_AGENTS` / `serve --allow-host-agents`.
    var hostAgentsEnabled = false

    /// The health document.
    struct Health: ResponseEncodable, Decodable, Equatable {
        struct Engine: Codable, Equatable {
            var reachable: Bool
            /// `Docker` or `Podman`, as the engine says (`GET /version`); nil when it did not answer.
            var kind: String?
            var version: String?
            var error: String?
            var eventsConnected: Bool

            enum CodingKeys: String, CodingKey {
                case reachable, kind, version, error
                case eventsConnected = "events_connected"
            }
        }

        struct Database: Codable, Equatable {
            var ok: Bool
            var error: String?
        }

        var status: String
        var version: String
        /// The local engine (the one agents without an `engine` field run on).
        var engine: Engine
        /// Every engine by name, `local` included.
        var engines: [String: Engine]
        var database: Database
        /// Whether host-mode agents may be declared and run (`DORMOUSE_ALLOW_HOST_AGENTS`).
        var hostAgentsEnabled: Bool

        enum CodingKeys: String, CodingKey {
            case status, version, engine, engines, database
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
        // Concurrently, so one engine that is slow to refuse does not hold up the others' answers.
        let checked = await withTaskGroup(of: (String, Health.Engine).self) { group in
            for engine in engines.all {
                group.addTask { (engine.name, await Self.check(engine)) }
            }
            return await group.reduce(into: [String: Health.Engine]()) { $0[$1.0] = $1.1 }
        }
        let local = checked[EngineSet.localName] ?? .init(reachable: false, eventsConnected: false)
        var engine = local
        if let kind = local.kind, let version = local.version { engine.version = "\(kind) \(version)" }
        let database: Health.Database
        do {
            try await auditLog.checkReadable()
            database = .init(ok: true)
        } catch {
            database = .init(ok: false, error: "\(error)")
        }
        let healthy = checked.values.allSatisfy(\.reachable) && database.ok
        return Health(
            status: healthy ? "ok" : "degraded", version: DormouseVersion.current, engine: engine, engines: checked,
            database: database, hostAgentsEnabled: hostAgentsEnabled)
    }

    /// One engine: what it says it is (a runtime that cannot say is described by its `ping()` text).
    private static func check(_ engine: EngineSet.Engine) async -> Health.Engine {
        let connected = engine.monitor.isConnected
        do {
            if let describing = engine.runtime as? any EngineDescribing {
                let description = try await describing.describe()
                return .init(
                    reachable: true, kind: description.kind, version: description.version, eventsConnected: connected)
            }
            return .init(reachable: true, version: try await engine.runtime.ping(), eventsConnected: connected)
        } catch {
            return .init(reachable: false, error: "\(error)", eventsConnected: connected)
        }
    }
}
