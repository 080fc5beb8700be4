import Hummingbird
import Registry
import ServiceLifecycle

/// Tasks: dispatch to an agent (optionally waiting for the result), read one, list an agent's.
struct TasksController<C: Clock<Duration>>: Sendable {
    let registry: AgentRegistry<C>

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/agents/{name}/tasks") { request, context in
            try await dispatch(try context.parameters.require("name"), request)
        }
        router.get("/agents/{name}/tasks") { request, context in
            try await list(try context.parameters.require("name"), request)
        }
        router.get("/tasks/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let task = try await registry.task(id) else {
                throw Problem(.notFound, "not-found", "no task with id \"\(id)\"")
            }
            return RequestJSON.response(jsonText: task.jsonText)
        }
    }

    private func dispatch(_ name: String, _ request: Request) async throws -> Response {
        let wait = try Query.bool("wait", in: request) ?? false
        let body = try TaskRequest(json: try await RequestJSON.parse(request, envelope: TaskRequest.envelopeDepth))
        let task = try await registry.dispatch(to: name, payload: body.payload)
        let location: HTTPFields = [.location: "/tasks/\(task.id)"]
        guard wait else { return RequestJSON.response(jsonText: task.jsonText, status: .accepted, headers: location) }
        // A wait ends early on graceful shutdown, so SIGTERM is not held up by a long task: the task is then
        // answered as accepted, as it is.
        let latest = (try? await cancelWhenGracefulShutdown { try await registry.waitForTask(task.id) }) ?? nil
        if let latest, latest.status.isFinal {
            return RequestJSON.response(jsonText: latest.jsonText, status: .ok, headers: location)
        }
        return RequestJSON.response(jsonText: (latest ?? task).jsonText, status: .accepted, headers: location)
    }

    private func list(_ name: String, _ request: Request) async throws -> Response {
        let status = try request.uri.queryParameters.get("status").map { raw in
            guard let status = TaskRecord.Status(rawValue: raw) else {
                throw Query.invalid("status", "must be one of queued, running, succeeded, failed, timed_out")
            }
            return status
        }
        let limit = try Query.integer("limit", in: request, range: 1...1_000) ?? 100
        let before = request.uri.queryParameters.get("before")
        let tasks = try await registry.tasks(of: name, status: status, before: before, limit: limit)
        return RequestJSON.response(jsonText: TaskRecord.listJSON(tasks))
    }
}
