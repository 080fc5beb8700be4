import Hummingbird
import Lifecycle

/// `GET /health`: whether Dormouse and its Docker engine answer. Never requires auth.
struct HealthController: Sendable {
    let runtime: any ContainerRuntime
    let monitor: ContainerEventMonitor

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

        var status: String
        var version: String
        var engine: Engine
    }

    func addRoutes(to router: Router<some RequestContext>) {
        // The server answers 200 even when the engine is down: the body says which part is degraded.
        router.get("/health") { _, _ -> EditedResponse<Health> in
            EditedResponse(headers: [.cacheControl: "no-store"], response: await check())
        }
    }

    func check() async -> Health {
        do {
            let version = try await runtime.ping()
            return Health(
                status: "ok", version: DormouseVersion.current,
                engine: .init(reachable: true, version: version, eventsConnected: monitor.isConnected))
        } catch {
            return Health(
                status: "degraded", version: DormouseVersion.current,
                engine: .init(reachable: false, error: "\(error)", eventsConnected: monitor.isConnected))
        }
    }
}
