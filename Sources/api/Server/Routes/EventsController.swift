import Hummingbird
import Registry

/// `GET /agents/{name}/events`: the agent's lifecycle audit history, oldest first, paged by id.
struct EventsController<C: Clock<Duration>>: Sendable {
    let registry: AgentRegistry<C>

    /// One page of history and where the next one starts.
    struct Page: Encodable {
        var events: [AuditRecord]
        var nextAfterID: Int64

        enum CodingKeys: String, CodingKey {
            case events
            case nextAfterID = "next_after_id"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/agents/{name}/events") { request, context in
            let name = try context.parameters.require("name")
            let afterID = try Query.integer("after_id", in: request, range: 0...Int.max) ?? 0
            let limit = try Query.integer("limit", in: request, range: 1...1_000) ?? 100
            let events = try await registry.events(of: name, afterID: Int64(afterID), limit: limit)
            return try RequestJSON.response(Page(events: events, nextAfterID: events.last?.id ?? Int64(afterID)))
        }
    }
}
