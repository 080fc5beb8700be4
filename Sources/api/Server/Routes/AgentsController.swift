import Foundation
import Hummingbird
import Registry

/// `/agents`: declare, list, read, change (JSON merge patch) and delete agents; operator start and stop.
struct AgentsController<C: Clock<Duration>>: Sendable {
    let registry: AgentRegistry<C>

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/agents") { request, _ in try await create(request) }
        router.get("/agents") { _, _ in
            RequestJSON.response(jsonBuffer: AgentView.listJSON(try await registry.agents()))
        }
        router.get("/agents/{name}") { _, context in
            RequestJSON.response(jsonText: try await registry.agent(try context.parameters.require("name")).jsonText)
        }
        router.patch("/agents/{name}") { request, context in
            try await update(try context.parameters.require("name"), request)
        }
        router.delete("/agents/{name}") { _, context in
            try await registry.delete(try context.parameters.require("name"))
            return Response(status: .noContent)
        }
        router.post("/agents/{name}/start") { _, context in
            try RequestJSON.response(try await registry.start(try context.parameters.require("name")))
        }
        router.post("/agents/{name}/stop") { _, context in
            try RequestJSON.response(try await registry.stop(try context.parameters.require("name")))
        }
    }

    private func create(_ request: Request) async throws -> Response {
        let definition = try await RequestJSON.decode(AgentDefinition.self, from: request)
        let view = try await registry.create(definition)
        return RequestJSON.response(
            jsonText: view.jsonText, status: .created, headers: [.location: "/agents/\(definition.name)"])
    }

    /// Merges the patch into the stored definition and replaces it; the name cannot change.
    private func update(_ name: String, _ request: Request) async throws -> Response {
        let stored = try await registry.stored(name)
        let patch = try await RequestJSON.parse(request)
        guard case .object(let changes) = patch else {
            throw Problem(.badRequest, "malformed-json", "a merge patch is a JSON object")
        }
        if let newName = changes["name"], newName != .string(name) {
            throw Problem(.unprocessableContent, "invalid", "name: an agent cannot be renamed; delete and declare it")
        }
        let current = try JSONValue.parse(stored.definitionJSON)
        let merged = current.merging(patch).jsonText
        let definition = try JSONDecoder().decode(AgentDefinition.self, from: Data(merged.utf8))
        return RequestJSON.response(jsonText: try await registry.update(definition).jsonText)
    }
}
