import Hummingbird
import Lifecycle
import Registry

/// `/webhooks`: add, list, read and delete the webhooks lifecycle events are POSTed to.
struct WebhooksController<C: Clock<Duration>>: Sendable {
    let dispatcher: WebhookDispatcher<C>
    let wallClock: WallClock

    private var store: WebhookStore { WebhookStore(database: dispatcher.database) }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/webhooks") { request, _ in try await create(request) }
        router.get("/webhooks") { _, _ in
            let (webhooks, newest) = try await store.allWithNewestEventID()
            return try RequestJSON.response(
                WebhookView.List(webhooks: webhooks.map { WebhookView(webhook: $0, newestEventID: newest) }))
        }
        router.get("/webhooks/{id}") { _, context in
            let id = try context.parameters.require("id")
            let (webhooks, newest) = try await store.allWithNewestEventID()
            guard let webhook = webhooks.first(where: { $0.id == id }) else { throw Self.notFound(id) }
            return try RequestJSON.response(WebhookView(webhook: webhook, newestEventID: newest))
        }
        router.delete("/webhooks/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard try await store.delete(id) else { throw Self.notFound(id) }
            dispatcher.remove(id)
            return Response(status: .noContent)
        }
    }

    private func create(_ request: Request) async throws -> Response {
        let body = try await RequestJSON.decode(WebhookRequest.self, from: request)
        try body.validate(knownTypes: EventFrame.broadcastTypes, isServerItself: dispatcher.isServerItself)
        let webhook = try await store.create(body, createdAt: wallClock.millisecondsSinceEpoch)
        dispatcher.add(webhook)
        return try RequestJSON.response(
            WebhookView(webhook: webhook, newestEventID: webhook.delivery.cursor), status: .created,
            headers: [.location: "/webhooks/\(webhook.id)"])
    }

    static func notFound(_ id: String) -> Problem {
        Problem(.notFound, "not-found", "no webhook with id \"\(id)\"")
    }
}
